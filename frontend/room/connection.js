// The round's shared document over the room's WebSocket (y-websocket's protocol),
// plus the room's own JSON messages (type 9): signalling and notices from the server.
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";

export const MSG_ROOM = 9;
// Give up after this many failed attempts in a row (about two minutes with backoff).
const MAX_RECONNECTS = 40;

const CLOSE_REASONS = {
  4400: "The room could not read a message from this page. Reload to continue.",
  4401: "Your session has ended. Log in again to rejoin the room.",
  4403: "This room belongs to the two people in the interview.",
  4409: "This interview was cancelled, so its room is closed.",
  4410: "The room has closed. What you wrote is saved with the round.",
  4413: "That change was too large to share. Reload to continue.",
  4425: "The room opens 15 minutes before the start. Reload then.",
  4429: "Too many changes at once: the room paused this page. Reload to continue.",
};

export function connectRoom({ wsPath, onRoomMessage, onStatus }) {
  const doc = new Y.Doc();
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const serverUrl = `${scheme}://${window.location.host}`;
  const roomname = wsPath.replace(/^\/+/, "");
  const provider = new WebsocketProvider(serverUrl, roomname, doc, {
    disableBc: true,
    maxBackoffTime: 5000,
  });
  let stopped = null;
  let everConnected = false;

  const report = (state, detail) => onStatus && onStatus(state, detail);

  provider.messageHandlers[MSG_ROOM] = (_encoder, decoder) => {
    let message;
    try {
      message = JSON.parse(decoding.readVarString(decoder));
    } catch {
      return;
    }
    if (message.type === "closed") stopped = message.reason || CLOSE_REASONS[4409];
    onRoomMessage && onRoomMessage(message);
  };
  provider.on("status", ({ status }) => {
    if (status === "connected") {
      everConnected = true;
      report("connected");
    } else if (status === "connecting") {
      report(everConnected ? "reconnecting" : "connecting");
    } else if (!stopped) {
      report("reconnecting");
    }
  });
  provider.on("closed", ({ code }) => {
    stopped = stopped || CLOSE_REASONS[code] || `The room closed the connection (${code}).`;
    report("stopped", stopped);
  });
  provider.on("connection-close", () => {
    if (!stopped && provider.wsUnsuccessfulReconnects >= MAX_RECONNECTS) {
      provider.disconnect();
      report("gave-up", "The connection keeps failing. Check your network, then press Reconnect.");
    }
  });

  function sendRoom(message) {
    const ws = provider.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MSG_ROOM);
    encoding.writeVarString(encoder, JSON.stringify(message));
    ws.send(encoding.toUint8Array(encoder));
    return true;
  }

  function reconnect() {
    stopped = null;
    provider.wsUnsuccessfulReconnects = 0;
    provider.connect();
  }

  // A closing tab tells the peer at once (the server also removes it on close).
  const leave = () => provider.awareness.getLocalState() && provider.awareness.setLocalState(null);
  window.addEventListener("beforeunload", leave);
  window.addEventListener("pagehide", leave);

  return { doc, provider, awareness: provider.awareness, sendRoom, reconnect };
}
