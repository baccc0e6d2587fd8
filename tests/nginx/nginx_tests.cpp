// The client against nginx on loopback (filled by tests/nginx/run.sh's environment).
