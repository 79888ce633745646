// The shared whiteboard: Excalidraw bound to the round's Y.Array of elements
// (y-excalidraw). Loaded only when a page shows the board.
import React from "react";
import { createRoot } from "react-dom/client";
import { Excalidraw, convertToExcalidrawElements } from "@excalidraw/excalidraw";
import * as Y from "yjs";
import { ExcalidrawBinding } from "y-excalidraw";

export function mountBoard({ parent, doc, awareness, writable }) {
  const yElements = doc.getArray("elements");
  const yAssets = doc.getMap("assets");
  const undoManager = new Y.UndoManager(yElements);
  let binding = null;
  let api = null;
  let resolveReady;
  const ready = new Promise((resolve) => (resolveReady = resolve));

  const root = createRoot(parent);
  root.render(
    React.createElement(Excalidraw, {
      excalidrawAPI: (instance) => {
        if (api) return;
        api = instance;
        binding = new ExcalidrawBinding(yElements, yAssets, instance, awareness, {
          excalidrawDom: parent,
          undoManager,
        });
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
