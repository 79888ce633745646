// The video call: one RTCPeerConnection between the two participants, signalled
// over the room's socket. The person already in the room calls whoever joins;
// if both call at once, the "polite" side (higher user id) gives way.
// When no direct connection can be made, the page points at the meeting link.
const CONNECT_TIMEOUT_MS = 20000;

export function startVideo({ config, sendRoom, elements }) {
  const { localVideo, remoteVideo, muteButton, cameraButton, status, fallback } = elements;
  const polite = config.me.id > config.peer.id;
  let pc = null;
  let localStream = null;
  let pendingCandidates = [];
  let timer = null;
  let mediaProblem = "";

  const say = (text) => {
    if (status) status.textContent = text;
  };
  const showFallback = (reason) => {
    if (!fallback) return;
    fallback.hidden = false;
    const why = fallback.querySelector("[data-reason]");
    if (why) why.textContent = reason;
  };
  const hideFallback = () => {
    if (fallback) fallback.hidden = true;
  };

  const media = navigator.mediaDevices
    ? navigator.mediaDevices
        .getUserMedia({ audio: true, video: { width: 640, height: 360 } })
        .then((stream) => {
          localStream = stream;
          if (localVideo) localVideo.srcObject = stream;
          if (muteButton) muteButton.disabled = false;
          if (cameraButton) cameraButton.disabled = false;
          return stream;
        })
        .catch(() => {
          mediaProblem = "Your camera or microphone is not available; you can still see and hear the other person.";
          say(mediaProblem);
          return null;
        })
    : Promise.resolve(null);

  function toggle(kind, button, onLabel, offLabel) {
    if (!localStream) return;
    const tracks = kind === "audio" ? localStream.getAudioTracks() : localStream.getVideoTracks();
    const enable = !tracks.every((t) => t.enabled);
    tracks.forEach((t) => (t.enabled = enable));
    button.textContent = enable ? onLabel : offLabel;
    button.setAttribute("aria-pressed", String(!enable));
  }
  if (muteButton) muteButton.addEventListener("click", () => toggle("audio", muteButton, "Mute", "Unmute"));
  if (cameraButton) cameraButton.addEventListener("click", () => toggle("video", cameraButton, "Camera off", "Camera on"));

  function close() {
    clearTimeout(timer);
    if (pc) {
      pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
      pc.close();
    }
    pc = null;
    pendingCandidates = [];
    if (remoteVideo) remoteVideo.srcObject = null;
  }

  async function newConnection() {
    close();
    const stream = await media;
    pc = new RTCPeerConnection({ iceServers: config.iceServers || [] });
    const connection = pc;
    if (stream) {
      stream.getTracks().forEach((track) => connection.addTrack(track, stream));
    } else {
      connection.addTransceiver("audio", { direction: "recvonly" });
      connection.addTransceiver("video", { direction: "recvonly" });
    }
    connection.onicecandidate = ({ candidate }) => {
      if (candidate) sendRoom({ type: "signal", candidate: candidate.toJSON() });
    };
    connection.ontrack = ({ streams }) => {
      if (remoteVideo && streams[0] && remoteVideo.srcObject !== streams[0]) remoteVideo.srcObject = streams[0];
    };
    connection.onconnectionstatechange = () => {
      if (connection !== pc) return;
      const state = connection.connectionState;
      if (state === "connected") {
        clearTimeout(timer);
        hideFallback();
        say(mediaProblem || `Connected to ${config.peer.name}.`);
      } else if (state === "failed") {
        say("The video connection failed.");
        showFallback("No direct connection could be made between your two networks.");
      } else if (state === "disconnected") {
        say("The video connection dropped; trying again…");
      }
    };
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (pc === connection && connection.connectionState !== "connected") {
        showFallback("The video call did not connect within 20 seconds.");
      }
    }, CONNECT_TIMEOUT_MS);
    return connection;
  }

  async function call() {
    const connection = await newConnection();
    say(`Calling ${config.peer.name}…`);
    const offer = await connection.createOffer();
    if (connection !== pc) return;
    await connection.setLocalDescription(offer);
    sendRoom({ type: "signal", description: connection.localDescription.toJSON() });
  }

  async function onSignal(message) {
    if (message.description) {
      const description = message.description;
      if (description.type === "offer") {
        const glare = pc && pc.signalingState === "have-local-offer";
        if (glare && !polite) return; // the other side gives way
        const connection = await newConnection();
        await connection.setRemoteDescription(description);
        await flushCandidates(connection);
        const answer = await connection.createAnswer();
        await connection.setLocalDescription(answer);
        sendRoom({ type: "signal", description: connection.localDescription.toJSON() });
      } else if (description.type === "answer" && pc && pc.signalingState === "have-local-offer") {
        await pc.setRemoteDescription(description);
        await flushCandidates(pc);
      }
    } else if (message.candidate) {
      if (pc && pc.remoteDescription) {
        await pc.addIceCandidate(message.candidate).catch(() => {});
      } else {
        pendingCandidates.push(message.candidate);
      }
    }
  }

  async function flushCandidates(connection) {
    const queued = pendingCandidates;
    pendingCandidates = [];
    for (const candidate of queued) await connection.addIceCandidate(candidate).catch(() => {});
  }

  say(`Waiting for ${config.peer.name} to join…`);
  return {
    get pc() {
      return pc;
    },
    onRoomMessage(message) {
      if (message.type === "peer-joined") call();
      else if (message.type === "signal") onSignal(message);
      else if (message.type === "peer-left") {
        close();
        say(`${config.peer.name} left the room.`);
      } else if (message.type === "hangup") close();
    },
    stop() {
      close();
      if (localStream) localStream.getTracks().forEach((t) => t.stop());
    },
  };
}
