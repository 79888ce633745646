"""The live interview room: a WebSocket consumer that speaks the Yjs sync protocol,
the shared document of each round stored in the database, presence and the
signalling for the video call."""
