// The shared whiteboard: Excalidraw bound to the round's Y.Array of elements
// (y-excalidraw). Loaded only when a page shows the board.
import React from "react";
import { createRoot } from "react-dom/client";
import { Excalidraw, convertToExcalidrawElements } from "@excalidraw/excalidraw";
import { ExcalidrawBinding } from "y-excalidraw";

export function mountBoard({ parent, doc, awareness, writable }) {
  const yElements = doc.getArray("elements");
  const yAssets = doc.getMap("assets");
  let binding = null;
  let api = null;
  let resolveReady;
  const ready = new Promise((resolve) => (resolveReady = resolve));

  const root = createRoot(parent);
  root.render(
    React.createElement(Excalidraw, {
      // React may mount Excalidraw more than once (it re-renders a root from scratch
      // after recovering from an error): bind to whichever instance is current.
      excalidrawAPI: (instance) => {
        if (!instance || instance === api) return;
        if (binding) binding.destroy();
        api = instance;
        // No shared undo manager: y-excalidraw's looks for undo buttons that the
        // read-only board does not have. Excalidraw's own undo works per person.
        binding = new ExcalidrawBinding(yElements, yAssets, instance, awareness);
        resolveReady(instance);
      },
      isCollaborating: true,
      viewModeEnabled: !writable,
      onPointerUpdate: (payload) => binding && binding.onPointerUpdate(payload),
      UIOptions: {
        canvasActions: { loadScene: false, saveToActiveFile: false, export: false },
        tools: { image: false },
      },
    }),
  );

  return {
    ready,
    get api() {
      return api;
    },
    setWritable(on) {
      if (api) api.updateScene({ appState: { viewModeEnabled: !on } });
    },
    addText(text) {
      if (!api) return;
      const [element] = convertToExcalidrawElements([
        { type: "text", x: 40, y: 40, text, fontSize: 16 },
      ]);
      api.updateScene({ elements: [...api.getSceneElements(), element] });
    },
    destroy() {
      if (binding) binding.destroy();
      root.unmount();
    },
  };
}
