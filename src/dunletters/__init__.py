"""dunletters: Chinese collection letters and SMS from overdue-account records.

Data flows one way — record → decision (stage, tone or hold) → rendered document →
lint findings → written artifact — and each step is a plain function that can be
called and tested alone. See ``shared/DESIGN.md`` for the domain.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
