"""Several Sequence Lab servers (replicas) behind HAProxy: with Docker compose, or as local processes."""
