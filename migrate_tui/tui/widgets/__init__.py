"""The widgets of the app's tabs: overview, services, graph, plan and findings."""
