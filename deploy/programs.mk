# The programs of an installation and of the local stack, in the order they
# start: the FastCGI services (fcgi/NAME/ticketing-NAME, unit
# ticketing-fcgi@NAME) and the workers as WORKER-SERVICE instances
# (workers/WORKER/ticketing-WORKER run with SERVICE's configuration, unit
# ticketing-WORKER@SERVICE, NATS user WORKER-SERVICE). deploy/deploy.mk
# includes this file and scripts/dev reads it: keep each list on one line.
TK_FCGI_SERVICES = auth events tickets orders sandbox payments
TK_WORKER_INSTANCES = relay-auth relay-events replicator-events relay-tickets replicator-tickets relay-orders replicator-orders expiry-orders relay-payments replicator-payments settlement-payments notify-notify
