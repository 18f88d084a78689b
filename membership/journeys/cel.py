"""Journey conditions: CEL expressions, type-checked when saved, compiled once, evaluated natively.

An expression sees the member and the event that started the run (or the one a wait received)
under qualified names (``member.pointsBalance``, ``member.tier.name``, ``event.properties``…),
each declared with its CEL type. A name that is not declared (``member.pointsBalence``, a custom
field the tenant has not defined) is a compile error with its position, and so is comparing a
number with a string: a definition is refused when it is saved, not when a member reaches it.

The evaluator is cel-expr-python (the C++ CEL runtime): it checks types, has no access to Python,
and evaluates a compiled expression in microseconds. Compiled expressions are cached by tenant
vocabulary and source, so a version's conditions are compiled once per process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cel_expr_python import cel

__all__ = [
    "EVENT_VARIABLES",
    "MEMBER_VARIABLES",
    "CelError",
    "Condition",
    "Vocabulary",
    "compile_condition",
]

_T = cel.Type

# The values of member.rfmClass besides '' (as in analytics.graphql's RfmClass).
RFM_CLASSES = (
    "IMPORTANT_VALUE",
    "IMPORTANT_DEVELOP",
    "IMPORTANT_RETAIN",
    "IMPORTANT_WINBACK",
    "GENERAL_VALUE",
    "GENERAL_DEVELOP",
    "GENERAL_RETAIN",
    "GENERAL_WINBACK",
)

# The member as a condition sees it. Nullable values are DYN so that ``== null`` works.
MEMBER_VARIABLES: dict[str, Any] = {
    "member.id": _T.STRING,
    "member.name": _T.DYN,
    "member.gender": _T.DYN,
    "member.birthday": _T.DYN,  # 'YYYY-MM-DD' or null
    "member.externalId": _T.DYN,
    "member.sourceChannel": _T.DYN,
    "member.tags": _T.List(_T.STRING),
    "member.tier.name": _T.STRING,  # '' without a tier
    "member.tier.rank": _T.INT,  # 0 without a tier
    "member.pointsBalance": _T.INT,
    "member.pendingPoints": _T.INT,
    "member.totalSpent": _T.INT,
    "member.orderCount": _T.INT,
    "member.daysSinceLastOrder": _T.INT,  # since joining, for a member who never ordered
    "member.daysSinceJoined": _T.INT,
    "member.hasAccountManager": _T.BOOL,
    "member.createdAt": _T.TIMESTAMP,
    "member.rfmClass": _T.STRING,  # as of today from the analytics roll-up; '' without orders
    "member.churnRisk": _T.DOUBLE,  # 0 … 1 from the tenant's churn model; 0 without a score
}
EVENT_VARIABLES: dict[str, Any] = {
    "event.type": _T.STRING,
    "event.properties": _T.Map(_T.STRING, _T.DYN),
    "event.occurredAt": _T.TIMESTAMP,
}
_OTHER: dict[str, Any] = {"now": _T.TIMESTAMP}


class CelError(Exception):
    """An expression that does not compile, names unknown fields, or is not a condition."""


@dataclass(frozen=True)
class Vocabulary:
    """What a tenant's expressions may name beyond the fixed variables: its custom fields."""

    custom_fields: tuple[str, ...] = ()

    def variables(self) -> dict[str, Any]:
        declared = dict(MEMBER_VARIABLES)
        declared.update(EVENT_VARIABLES)
        declared.update(_OTHER)
        for key in self.custom_fields:
            declared[f"member.customFields.{key}"] = _T.DYN
        return declared


@functools.lru_cache(maxsize=64)
def _environment(vocabulary: Vocabulary) -> Any:
    return cel.NewEnv(variables=vocabulary.variables())


@dataclass(frozen=True)
class Condition:
    """A compiled condition; ``evaluate`` answers True, False, or raises CelError on an error
    such as a missing key (the run records why and takes the ``else`` branch)."""

    source: str
    expression: Any

    def evaluate(self, activation: Mapping[str, Any]) -> bool:
        value = self.expression.eval(data=activation)
        if value.type() == _T.ERROR:
            raise CelError(str(value.value()))
        result = value.value()
        if not isinstance(result, bool):
            raise CelError(f"the expression gave {result!r}, not true or false")
        return result


@functools.lru_cache(maxsize=4096)
def compile_condition(source: str, vocabulary: Vocabulary = Vocabulary()) -> Condition:
    """Compile ``source`` as a boolean condition, or raise CelError with the checker's message."""
    if not source.strip():
        raise CelError("The expression is empty.")
    if len(source) > 2000:
        raise CelError("The expression is longer than 2,000 characters.")
    try:
        expression = _environment(vocabulary).compile(source)
    except RuntimeError as exc:
        raise CelError(_checker_message(str(exc))) from None
    if expression.return_type() not in (_T.BOOL, _T.DYN):
        raise CelError(
            f"The expression gives {expression.return_type().name().lower()}, not true or false."
        )
    _check_rfm_classes(source)
    return Condition(source, expression)


# member.rfmClass compared with a literal (either side of == or !=), or tested against a list.
_RFM_COMPARED = re.compile(
    r"member\.rfmClass\s*[!=]=\s*(['\"])(?P<a>[^'\"]*)\1"
    r"|(['\"])(?P<b>[^'\"]*)\3\s*[!=]=\s*member\.rfmClass"
    r"|member\.rfmClass\s+in\s*\[(?P<list>[^\]]*)\]"
)
_LITERAL = re.compile(r"(['\"])([^'\"]*)\1")


def _check_rfm_classes(source: str) -> None:
    """A class named in a comparison with member.rfmClass must be one of the eight ('' is a
    member without orders): a typo would otherwise never match, silently."""
    named: list[str] = []
    for match in _RFM_COMPARED.finditer(source):
        if match.group("list") is not None:
            named += [m.group(2) for m in _LITERAL.finditer(match.group("list"))]
        else:
            named.append(match.group("a") if match.group("a") is not None else match.group("b"))
    for name in named:
        if name and name not in RFM_CLASSES:
            raise CelError(
                f"Unknown RFM class '{name}'; member.rfmClass is one of {', '.join(RFM_CLASSES)} "
                "or '' (no orders)."
            )


def _checker_message(raw: str) -> str:
    # "INVALID_ARGUMENT: ERROR: <input>:1:7: undeclared reference to 'member.foo' (in container '')
    #  | member.foo > 1\n | ......^ [INVALID_ARGUMENT]": keep the line with the position and reason.
    first = raw.split("\n", 1)[0]
    first = first.removeprefix("INVALID_ARGUMENT: ").removeprefix("ERROR: ")
    first = first.replace("<input>:", "at ").replace(" (in container '')", "")
    return first.strip()
