"""Match requests and the matcher that pairs people for mock interviews."""
