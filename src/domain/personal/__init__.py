"""DataSubject: personal data sealed per data subject, erasable by destroying its key.

`sealed` holds the clear and the sealed form of a contact person; `rules` the
check that data is sealed for the subject it belongs to; `commands`, `events`,
`state` and `decide` the erasure, a fact on the subject's own stream.
"""

from domain.decider import Decider
from domain.personal.commands import ErasePersonalData, PersonalCommand, data_subject_id
from domain.personal.decide import decide
from domain.personal.events import PersonalDataErased, PersonalEvent
from domain.personal.rules import SealedFor, check_sealed_for
from domain.personal.sealed import ContactPerson, Phone, Sealed
from domain.personal.state import INITIAL, DataSubjectState, evolve

__all__ = [
    "DECIDER",
    "INITIAL",
    "ContactPerson",
    "DataSubjectState",
    "ErasePersonalData",
    "PersonalCommand",
    "PersonalDataErased",
    "PersonalEvent",
    "Phone",
    "Sealed",
    "SealedFor",
    "check_sealed_for",
    "data_subject_id",
    "decide",
    "evolve",
]

DECIDER: Decider[PersonalCommand, DataSubjectState, PersonalEvent] = Decider(
    name="DataSubject",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=PersonalEvent,
    commands=PersonalCommand,
)
