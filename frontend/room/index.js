// The live room: shared editor, whiteboard, video and presence for the current round.
// The page gives its settings in <script type="application/json" id="room-live">.
import { connectRoom } from "./connection.js";
import { asComment, mountEditor } from "./editor.js";
import { startVideo } from "./video.js";

const COLORS = ["#1f6feb", "#d1242f", "#8250df", "#1a7f37", "#bf8700", "#0969da"];
const STATUS_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  stopped: "Closed",
  "gave-up": "Offline",
};

const node = document.getElementById("room-live");
if (node) start(JSON.parse(node.textContent));

function start(config) {
  const $ = (id) => document.getElementById(id);
  const statusEl = $("room-connection");
  const noticeEl = $("room-notice");
  const reconnectButton = $("room-reconnect");
  let writable = config.round.writable;
  let editor = null;
  let board = null;
  let video = null;

  const notice = (text) => {
    if (!noticeEl) return;
    noticeEl.textContent = text || "";
    noticeEl.hidden = !text;
  };

  const room = connectRoom({
    wsPath: config.wsPath,
    onStatus(state, detail) {
      if (statusEl) {
        statusEl.textContent = STATUS_TEXT[state] || state;
        statusEl.dataset.state = state;
      }
      if (reconnectButton) reconnectButton.hidden = state !== "gave-up";
      if (state === "stopped" || state === "gave-up") notice(detail);
      else if (state === "connected") notice("");
      renderPresence();
    },
    onRoomMessage(message) {
      if (message.type === "welcome") {
        setWritable(message.writable);
      } else if (message.type === "read-only") {
        setWritable(false);
        notice("This round is over: the editor and board are read-only now.");
      } else if (message.type === "design-started") {
        const box = document.querySelector(`[data-design-started="${config.round.id}"]`);
        if (box) {
          box.querySelector(".design-result")?.replaceChildren(
            document.createTextNode(
              `Recorded from the board: ${message.minutes} minutes of clarifying came first (the candidate's first element started the design).`,
            ),
          );
          box.querySelector("button")?.remove();
        }
      } else if (message.type === "closed") {
        notice(message.reason);
      }
      if (video) video.onRoomMessage(message);
    },
  });
  if (reconnectButton) reconnectButton.addEventListener("click", () => room.reconnect());

  // --- Presence -------------------------------------------------------------
  const color = COLORS[config.me.id % COLORS.length];
  room.awareness.setLocalStateField("user", {
    id: config.me.id,
    name: config.me.name,
    role: config.round.role,
    color,
    colorLight: color + "33",
  });
  const presenceEl = $("room-presence");
  function renderPresence() {
    if (!presenceEl) return;
    const here = new Map();
    room.awareness.getStates().forEach((state) => {
      if (state && state.user) here.set(state.user.id, state.user);
    });
    const connected = room.provider.wsconnected;
    const items = [
      { name: `${config.me.name} (you)`, state: statusEl ? statusEl.dataset.state || "connecting" : "connected" },
      {
        name: config.peer.name,
        state: !connected ? "unknown" : here.has(config.peer.id) ? "connected" : "away",
      },
    ];
    presenceEl.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement("li");
        li.dataset.state = item.state;
        li.className = "presence-" + item.state;
        const label = {
          connected: "here",
          connecting: "connecting…",
          reconnecting: "reconnecting…",
          away: "not here",
          unknown: "unknown while you are offline",
          stopped: "disconnected",
          "gave-up": "offline",
        }[item.state];
        li.textContent = `${item.name}: ${label || item.state}`;
        return li;
      }),
    );
  }
  room.awareness.on("change", renderPresence);
  renderPresence();

  // --- Editor -----------------------------------------------------------------
  const editorEl = $("room-editor");
  if (editorEl) {
    editor = mountEditor({
      parent: editorEl,
      picker: $("room-language"),
      doc: room.doc,
      awareness: room.awareness,
      writable,
      defaultLanguage: config.defaultLanguage,
      styleNonce: config.styleNonce,
    });
  }

  // --- Board (loaded on first view) -------------------------------------------
  const boardEl = $("room-board");
  async function showBoard() {
    if (board || !boardEl) return board;
    window.EXCALIDRAW_ASSET_PATH = config.assetPath;
    // The board's dialogs add <style> elements through get-nonce, which reads this global.
    if (config.styleNonce) window.__webpack_nonce__ = config.styleNonce;
    if (config.boardCss && !document.querySelector(`link[href="${config.boardCss}"]`)) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = config.boardCss;
      document.head.append(link);
    }
    const { mountBoard } = await import("./board.js");
    board = mountBoard({ parent: boardEl, doc: room.doc, awareness: room.awareness, writable });
    return board;
  }
  if (boardEl) {
    const details = boardEl.closest("details");
    if (details && !details.open) details.addEventListener("toggle", () => details.open && showBoard(), { once: false });
    else showBoard();
  }

  // --- The interviewer pushes the question --------------------------------------
  const question = config.question;
  $("push-to-editor")?.addEventListener("click", () => {
    if (!question || !editor) return;
    const lang = room.doc.getMap("meta").get("language") || config.defaultLanguage;
    editor.insertAtTop(asComment(`${question.title}\n\n${question.prompt}`, lang));
  });
  $("push-to-board")?.addEventListener("click", async () => {
    if (!question) return;
    const b = await showBoard();
    await b.ready;
    b.addText(`${question.title}\n\n${question.prompt}`);
  });

  // --- Clarifying checklist (the interviewer's, system design) -------------------
  const checklist = document.querySelector("[data-checklist]");
  checklist?.addEventListener("change", async (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
    const status = checklist.querySelector("[role=status]");
    const response = await fetch(checklist.dataset.checklist, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": checklist.querySelector("[name=csrfmiddlewaretoken]")?.value || "",
        "X-Requested-With": "fetch",
      },
      body: JSON.stringify({ item: box.value, ticked: box.checked }),
      credentials: "same-origin",
    }).catch(() => null);
    if (!response || !response.ok) {
      box.checked = !box.checked;
      if (status) status.textContent = "Not saved: check your connection and tick again.";
    } else if (status) {
      status.textContent = box.checked ? "Ticked." : "Unticked.";
    }
  });

  // --- Video ------------------------------------------------------------------
  if ($("room-video") && window.RTCPeerConnection) {
    video = startVideo({
      config,
      sendRoom: room.sendRoom,
      elements: {
        localVideo: $("video-local"),
        remoteVideo: $("video-remote"),
        muteButton: $("video-mute"),
        cameraButton: $("video-camera"),
        status: $("video-status"),
        fallback: $("video-fallback"),
      },
    });
  } else if ($("video-fallback")) {
    $("video-fallback").hidden = false;
  }

  function setWritable(on) {
    writable = on;
    if (editor) editor.setWritable(on);
    if (board) board.setWritable(on);
  }

  // For the browser tests and for debugging from the console.
  window.interviewRoom = {
    doc: room.doc,
    provider: room.provider,
    get editor() {
      return editor;
    },
    get board() {
      return board;
    },
    get video() {
      return video;
    },
  };
}
