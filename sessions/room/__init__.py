"""The live interview room: Channels consumer, routing and shared-document storage."""
