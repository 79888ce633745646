// The shared code editor: CodeMirror 6 bound to the round's Y.Text, with the
// other person's cursor and name, and a language picker kept in the document.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import * as Y from "yjs";
import { yCollab } from "y-codemirror.next";

// Each language's grammar loads when it is first picked.
const LANGUAGES = {
  python: () => import("@codemirror/lang-python").then((m) => m.python()),
  java: () => import("@codemirror/lang-java").then((m) => m.java()),
  go: () => import("@codemirror/lang-go").then((m) => m.go()),
  javascript: () => import("@codemirror/lang-javascript").then((m) => m.javascript()),
  typescript: () =>
    import("@codemirror/lang-javascript").then((m) => m.javascript({ typescript: true })),
  cpp: () => import("@codemirror/lang-cpp").then((m) => m.cpp()),
  sql: () => import("@codemirror/lang-sql").then((m) => m.sql()),
};

export function mountEditor({
  parent,
  picker,
  doc,
  awareness,
  writable,
  defaultLanguage,
  styleNonce,
}) {
  const ytext = doc.getText("code");
  const meta = doc.getMap("meta");
  const undoManager = new Y.UndoManager(ytext);
  const language = new Compartment();
  const editable = new Compartment();
  const current = () => meta.get("language") || defaultLanguage || "python";

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        basicSetup,
        keymap.of([indentWithTab]),
        language.of([]),
        editable.of([EditorState.readOnly.of(!writable), EditorView.editable.of(writable)]),
        EditorView.contentAttributes.of({ "aria-label": "Shared code editor" }),
        // The page's CSP accepts run-time <style> elements only with its nonce.
        styleNonce ? EditorView.cspNonce.of(styleNonce) : [],
        yCollab(ytext, awareness, { undoManager }),
      ],
    }),
  });

  let shown = null;
  async function showLanguage() {
    const key = LANGUAGES[current()] ? current() : "python";
    if (picker) picker.value = key;
    if (key === shown) return;
    shown = key;
    const support = await LANGUAGES[key]();
    if (shown === key) view.dispatch({ effects: language.reconfigure(support) });
  }
  meta.observe(showLanguage);
  showLanguage();
  if (picker) {
    picker.disabled = !writable;
    picker.addEventListener("change", () => meta.set("language", picker.value));
  }

  return {
    view,
    ytext,
    setWritable(on) {
      view.dispatch({
        effects: editable.reconfigure([EditorState.readOnly.of(!on), EditorView.editable.of(on)]),
      });
      if (picker) picker.disabled = !on;
    },
    insertAtTop(text) {
      doc.transact(() => ytext.insert(0, text));
    },
  };
}

// Turn a question into a comment block for the chosen language.
export function asComment(text, languageKey) {
  const prefix = languageKey === "python" ? "# " : languageKey === "sql" ? "-- " : "// ";
  return (
    text
      .split("\n")
      .map((line) => (line.trim() ? prefix + line : prefix.trimEnd()))
      .join("\n") + "\n\n"
  );
}
