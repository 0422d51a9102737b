import pytest


@pytest.fixture
def credit_calls(monkeypatch):
    """Records calls of the credit recalculation hook (the credit app's interface, R-C7)."""
    calls: list[tuple[int, str]] = []

    def record(*, company_id: int, cause: str) -> None:
        calls.append((company_id, cause))

    monkeypatch.setattr("credit.services.credit_recalculate_on_commit", record)
    return calls
