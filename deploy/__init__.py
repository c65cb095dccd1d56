"""Serving a class or a school: several app processes behind HAProxy, sticky per learner.

``deploy.haproxy_config`` writes the load balancer's configuration (the same text for the local
cluster and for docker-compose); ``deploy.cluster`` runs N replicas and HAProxy on loopback
(``python -m deploy.cluster --replicas 3``); ``deploy.routing_log`` reads HAProxy's request log
to check that every learner stayed on one replica; ``deploy.sizing`` turns the measured memory
into pod sizes. The container image, the docker-compose file and the Kubernetes manifests live
beside them (``Dockerfile``, ``docker-compose.yml``, ``deploy/k8s/``).
"""
