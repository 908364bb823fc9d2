"""migrate-tui: plan and track a Docker Compose to Kubernetes migration."""

__version__ = "0.1.0"
