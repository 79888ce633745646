// A read-only render of a round's final whiteboard (scorecard and feedback pages).
// The elements come from the page: <script type="application/json" id="…">[…]</script>,
// referenced by data-board-view="id" on the container.
import React from "react";
import { createRoot } from "react-dom/client";
import { Excalidraw } from "@excalidraw/excalidraw";

for (const container of document.querySelectorAll("[data-board-view]")) {
  if (container.dataset.assetPath) window.EXCALIDRAW_ASSET_PATH = container.dataset.assetPath;
  const source = document.getElementById(container.dataset.boardView);
  const elements = source ? JSON.parse(source.textContent) : [];
  createRoot(container).render(
    React.createElement(Excalidraw, {
      initialData: { elements, scrollToContent: true, appState: { viewBackgroundColor: "#ffffff" } },
      viewModeEnabled: true,
      zenModeEnabled: true,
      UIOptions: { canvasActions: { loadScene: false, saveToActiveFile: false, export: false } },
    }),
  );
}
