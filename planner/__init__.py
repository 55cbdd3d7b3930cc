"""AI Skills Planner: hiring and skills-gap planning on the Enterprise AI Skills Maturity Model.

`planner.domain` holds the pure model; `planner.cli` and `planner.web` are thin
shells around it. Nothing runs at import time.
"""
