// The client end to end over HTTPS against keyops-sim (started by integration/with_sim.sh).
