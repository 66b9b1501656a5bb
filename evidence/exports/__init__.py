"""The export pipeline: master copy, working copy, hashes and certificate for one job."""
