"""Planning: the analysis turned into a phased Kubernetes migration plan.

The playbooks (checklists, estimate factors, decision thresholds) are data read by
:mod:`~migrate_tui.planning.playbooks`; :mod:`~migrate_tui.planning.decision` answers
whether to move at all, :mod:`~migrate_tui.planning.plan` lays out the phases and their
estimates, and :mod:`~migrate_tui.planning.build` runs the whole way from a project.
"""
