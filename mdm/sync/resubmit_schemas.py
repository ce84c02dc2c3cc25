"""API shape of a resubmitted deal (`POST /api/v1/deals/{opportunity_id}/resubmit`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mdm.sync.resubmit import Resubmitted


class ResubmittedOut(BaseModel):
    """A deal sent through quote-to-project again: the exceptions closed, the job queued."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "opportunity_id": "006Qy000001AbCdE",
                    "resolved_exceptions": [41, 42],
                    "job_key": "q2p:deal_won:006Qy000001AbCdE:resubmit:1",
                }
            ]
        }
    )

    opportunity_id: str
    resolved_exceptions: list[int] = Field(description="Ids of the exceptions now resolved")
    job_key: str = Field(description="Idempotency key of the validation job queued")

    @classmethod
    def of(cls, done: Resubmitted) -> ResubmittedOut:
        """From what the resubmission did."""
        return cls(
            opportunity_id=done.opportunity_id,
            resolved_exceptions=done.resolved_exceptions,
            job_key=done.job_key,
        )
