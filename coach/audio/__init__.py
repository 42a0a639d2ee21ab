"""Sound cues: the catalogue, decoding to PCM, backends, and a precise scheduler."""
