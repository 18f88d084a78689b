"""Every registered operation gives the same response through its compiled plan as through
strawberry, for variables hypothesis makes up: data, errors, codes, masking and permissions.

Two sandbox tenants are set up alike, with their clocks standing at the same instant. Each
example sends the same operation with the same variables to both: to one as an ad-hoc document
(strawberry), to the other by its id (the compiled plan), with each tenant's own ids and codes
put in for the members and coupons the variables name. The responses must be equal once each
tenant's ids are written as the names they were given; ids made during the example are named by
the order they appear in.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    parse,
    type_from_ast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from membership.db import PgTarget, role_target
from membership.gateway.compiled import Unsupported, compile_plan
from membership.gateway.persisted import document_id, read_manifest
from tenants.context import RequestContext
from tests.conftest import LOGIN, Api

MEMBER_FIELDS = """id name phone phoneMasked gender birthday externalId sourceChannel tags
  pointsBalance pendingPoints totalSpent orderCount lastOrderAt createdAt
  tier { id name pointsMultiplier }"""

ERRORS = "errors { code field message }"

OPERATIONS: dict[str, str] = {
    "lookup_by_phone": f"query Lookup($phone: String) {{ member(phone: $phone) {{ {MEMBER_FIELDS} }} }}",
    "lookup_by_id": f"query($id: ID) {{ member(id: $id) {{ __typename ...M }} }}\n"
    f"fragment M on Member {{ {MEMBER_FIELDS} }}",
    "lookup_by_external_id": "query($externalId: String) { member(externalId: $externalId) "
    "{ id phone pointsBalance tier { name } } }",
    "record_order": f"""mutation Record($input: RecordOrderInput!) {{
  recordOrder(input: $input) {{
    order {{ id externalId amount discountAmount status pointsEarned pointsSpent storeCode paidAt
      createdAt member {{ id pointsBalance totalSpent orderCount tier {{ name }} }} }}
    {ERRORS}
  }}
}}""",
    "preview_order": f"""mutation($input: PreviewOrderInput!) {{
  previewOrder(input: $input) {{
    preview {{ pointsEarned pointsToSpend cashPaid discountAmount maxPointsToSpend }} {ERRORS}
  }}
}}""",
    "validate_coupon": f"""query($code: String!, $memberId: ID!, $orderAmount: Long!) {{
  validateCoupon(code: $code, memberId: $memberId, orderAmount: $orderAmount) {{
    valid discountAmount {ERRORS}
  }}
}}""",
    "redeem_coupon": f"""mutation($input: RedeemCouponInput!) {{
  redeemCoupon(input: $input) {{
    discountAmount coupon {{ code status redeemedAt member {{ id }} }} {ERRORS}
  }}
}}""",
    "adjust_points": f"""mutation($input: AdjustPointsInput!) {{
  adjustPoints(input: $input) {{
    transaction {{ id kind points balanceAfter reason }} member {{ id pointsBalance }} {ERRORS}
  }}
}}""",
    "spend_points": f"""mutation($input: SpendPointsInput!) {{
  spendPoints(input: $input) {{
    transaction {{ id kind points balanceAfter }} member {{ pointsBalance }} {ERRORS}
  }}
}}""",
}

CLOCK = datetime(2026, 3, 14, 10, 30, tzinfo=UTC)
MANIFEST = Path(__file__).resolve().parents[2] / "admin_spa/src/gql/persisted-documents.json"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Side:
    """One of the two tenants, with what its names stand for."""

    secret_key: str
    names: dict[str, str] = field(default_factory=dict)  # "@m0" -> that tenant's member id

    def materialize(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.names.get(value, value)
        if isinstance(value, list):
            return [self.materialize(v) for v in value]
        if isinstance(value, dict):
            return {k: self.materialize(v) for k, v in value.items()}
        return value

    def normalize(self, response: Any) -> Any:
        text = json.dumps(response, sort_keys=True, ensure_ascii=False)
        for name, value in sorted(self.names.items(), key=lambda item: -len(item[1])):
            text = text.replace(value, name)
        seen: dict[str, str] = {}
        return json.loads(
            _UUID.sub(lambda m: seen.setdefault(m.group(0), f"@new{len(seen)}"), text)
        )


async def sandbox(database: PgTarget, api: Api) -> tuple[Side, RequestContext]:
    from tenants.api_keys import create_api_key
    from tenants.registry import create_tenant
    from tenants.staff import create_staff

    slug = f"d-{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(**role_target(database, "owner").connect_kwargs())
    try:
        info = await create_tenant(conn, slug=slug, name="Differential", test_clock=CLOCK)
    finally:
        await conn.close()
    ctx = RequestContext.system(info)
    await create_staff(ctx, email=f"o@{slug}.example.com", password="owner-pass-123", role="owner")
    key = await create_api_key(ctx, name="pos", kind="secret")
    login = await api(
        LOGIN, {"slug": slug, "email": f"o@{slug}.example.com", "password": "owner-pass-123"}
    )
    side = Side(key.key)
    side.names["@owner"] = login["login"]["token"]
    return side, ctx


SEED_MEMBER = """mutation($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } errors { code } }
}"""
SEED_TEMPLATE = """mutation($input: CreateCouponTemplateInput!) {
  createCouponTemplate(input: $input) { template { id } errors { code } }
}"""
SEED_ISSUE = """mutation($input: IssueCouponInput!) {
  issueCoupon(input: $input) { coupon { code } errors { code } }
}"""
SEED_ADJUST = """mutation($input: AdjustPointsInput!) {
  adjustPoints(input: $input) { errors { code } }
}"""


async def seed(api: Api, side: Side) -> None:
    """Three members (one with points), two coupons; the same on both sides."""
    token = side.secret_key
    for index, (phone, external) in enumerate(
        [("13800001111", "CRM-1"), ("13800002222", "CRM-2"), ("13800003333", None)]
    ):
        made = await api(
            SEED_MEMBER,
            {"input": {"phone": phone, "name": f"会员{index}", "externalId": external}},
            token,
        )
        assert made["createMember"]["errors"] == []
        side.names[f"@m{index}"] = made["createMember"]["member"]["id"]
    adjusted = await api(
        SEED_ADJUST,
        {
            "input": {
                "memberId": side.names["@m0"],
                "points": 500,
                "reason": "seed",
                "idempotencyKey": "seed-1",
            }
        },
        token,
    )
    assert adjusted["adjustPoints"]["errors"] == []
    template = await api(
        SEED_TEMPLATE,
        {"input": {"name": "满100减20", "kind": "AMOUNT_OFF", "amountOff": 2000, "validDays": 30}},
        side.names["@owner"],
    )
    assert template["createCouponTemplate"]["errors"] == []
    template_id = template["createCouponTemplate"]["template"]["id"]
    for index in range(2):
        issued = await api(
            SEED_ISSUE,
            {
                "input": {
                    "templateId": template_id,
                    "memberId": side.names[f"@m{index}"],
                    "idempotencyKey": f"seed-c{index}",
                }
            },
            token,
        )
        assert issued["issueCoupon"]["errors"] == []
        side.names[f"@c{index}"] = issued["issueCoupon"]["coupon"]["code"]


# -- variables from the operation's own variable definitions --------------------------------

_KEYS = st.sampled_from(["k1", "k2", "k3", "k4", "k5", "k6", "订单-1"])
_TEXT = st.text(alphabet="ab1 -中\u00e9", max_size=6)


def _string(name: str) -> st.SearchStrategy[Any]:
    lowered = name.lower()
    if "phone" in lowered:
        return st.sampled_from(
            ["13800001111", "13800001111", "+8613800002222", "13800003333", "1390000"]
        )
    if lowered in ("code", "couponcodes"):
        return st.sampled_from(["@c0", "@c1", "@c0", "@c1", "NOPE-1", ""])
    if lowered in ("externalid", "idempotencykey"):
        return _KEYS
    if lowered == "reason":
        return st.sampled_from(["门店调整", "门店调整", "goodwill", ""])
    if lowered == "storecode":
        return st.sampled_from(["S1", "S2"])
    return _TEXT


def _scalar(type_: GraphQLScalarType, name: str) -> st.SearchStrategy[Any]:
    if type_.name == "ID":
        return st.sampled_from(
            ["@m0", "@m0", "@m0", "@m1", "@m2", str(uuid.UUID(int=7)), "not-an-id"]
        )
    if type_.name == "String":
        return _string(name)
    if type_.name in ("Long", "Int"):
        return st.one_of(
            st.integers(1, 300), st.integers(1, 60_000), st.integers(-3, 3), st.just(10**7)
        )
    if type_.name == "Boolean":
        return st.booleans()
    if type_.name == "DateTime":
        return st.sampled_from(["2026-03-14T09:00:00+08:00", "2026-03-20T00:00:00Z", "nonsense"])
    if type_.name == "Date":
        return st.sampled_from(["2026-03-14", "1990-01-01"])
    return st.none()


def _value(type_: GraphQLInputType, name: str) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLNonNull):
        return _inner(type_.of_type, name)
    return st.one_of(_inner(type_, name), st.none())


def _inner(type_: GraphQLInputType, name: str) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(_value(type_.of_type, name), max_size=2)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    if isinstance(type_, GraphQLScalarType):
        return _scalar(type_, name)
    assert isinstance(type_, GraphQLInputObjectType)
    required = {
        key: _inner(f.type.of_type, key)
        for key, f in type_.fields.items()
        if isinstance(f.type, GraphQLNonNull)
    }
    optional = {
        key: _value(f.type, key)
        for key, f in type_.fields.items()
        if not isinstance(f.type, GraphQLNonNull) and key not in ("rules", "memberIdentity")
    }
    if "memberPhone" not in optional:
        return st.fixed_dictionaries(required, optional=optional)
    # an order names its member one way: mostly by id or by phone, now and then both or neither
    by_id = optional.pop("memberId")
    by_phone = optional.pop("memberPhone")
    return st.one_of(
        st.fixed_dictionaries({**required, "memberId": by_id}, optional=optional),
        st.fixed_dictionaries({**required, "memberPhone": by_phone}, optional=optional),
        st.fixed_dictionaries(
            required, optional={**optional, "memberId": by_id, "memberPhone": by_phone}
        ),
    )


def variables_for(schema: Any, document: str) -> st.SearchStrategy[dict[str, Any]]:
    operation = next(
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    )
    shapes: dict[str, st.SearchStrategy[Any]] = {}
    for definition in operation.variable_definitions or ():
        type_ = type_from_ast(schema, definition.type)
        shapes[definition.variable.name.value] = _value(type_, definition.variable.name.value)  # type: ignore[arg-type]
    return st.fixed_dictionaries(shapes)


# -- the test ---------------------------------------------------------------------------------


@pytest.fixture
async def sides(database: PgTarget, api: Api) -> tuple[Side, Side]:
    strawberry_side, _ = await sandbox(database, api)
    compiled_side, _ = await sandbox(database, api)
    for side in (strawberry_side, compiled_side):
        await seed(api, side)
    return strawberry_side, compiled_side


async def differential(
    app: Starlette, api: Api, sides: tuple[Side, Side], document: str, examples_wanted: int
) -> int:
    """Run the document's examples on both sides; the number of examples run."""
    operation_id = document_id(document)
    endpoint = app.state.graphql
    await endpoint.registry.register({operation_id: document}, "test")
    assert endpoint.plan(operation_id, document) is not None, "not compiled"
    strawberry_side, compiled_side = sides
    schema = endpoint.schema._schema
    credentials = st.sampled_from(["secret"] * 6 + ["owner", "none"])
    examples: list[tuple[dict[str, Any], str]] = []

    @settings(
        max_examples=examples_wanted,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(variables=variables_for(schema, document), credential=credentials)
    def draw(variables: dict[str, Any], credential: str) -> None:
        examples.append((variables, credential))

    draw()
    for variables, credential in examples:
        answers = []
        for side, by_id in ((strawberry_side, False), (compiled_side, True)):
            token = {"secret": side.secret_key, "owner": side.names["@owner"], "none": None}[
                credential
            ]
            headers = {"authorization": f"Bearer {token}"} if token else {}
            body: dict[str, Any] = {"variables": side.materialize(variables)}
            if by_id:
                body["documentId"] = operation_id
            else:
                body["query"] = document
            response = await api.client.post("/graphql", json=body, headers=headers)
            answers.append((response.status_code, side.normalize(response.json())))
        assert answers[0] == answers[1], (variables, credential)
    return len(examples)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_compiled_plans_answer_as_strawberry_does(
    name: str, app: Starlette, api: Api, sides: tuple[Side, Side]
) -> None:
    assert await differential(app, api, sides, OPERATIONS[name], 40) > 10


async def test_the_admins_compiled_operations_answer_as_strawberry_does(
    app: Starlette, api: Api, sides: tuple[Side, Side]
) -> None:
    """The admin SPA's registered operations that compile (the counter's, the clerk's)."""
    documents = read_manifest(MANIFEST).values()
    compiled = []
    for document in documents:
        try:
            compile_plan(app.state.graphql.schema, document)
        except Unsupported:
            continue
        compiled.append(document)
    assert len(compiled) >= 5, "the counter's operations should compile"
    for document in compiled:
        assert await differential(app, api, sides, document, 15) > 5


async def test_a_field_failing_below_the_root_answers_as_strawberry_does(
    app: Starlette, api: Api, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-null field that raises deep in the answer: its error at its path, and the null
    carried up to the nearest field that may be null, through both paths alike. The error is a
    domain error, shown as it is: a masked one would read the same as the null's own error."""
    from membership.errors import DomainError, ErrorCode
    from membership.members import service as members

    shown = members.masked_phone

    def failing(auth: Any, row: Any) -> str:
        if row.name == "会员1":
            raise DomainError(ErrorCode.PERMISSION_DENIED, "This member's phone is withheld.")
        return shown(auth, row)

    monkeypatch.setattr(members, "masked_phone", failing)
    strawberry_side, _ = sides
    response = await api.raw(
        OPERATIONS["lookup_by_id"], {"id": strawberry_side.names["@m1"]}, strawberry_side.secret_key
    )
    failed = response.json()
    # the phone's null reached the member, which may be null
    assert failed["data"] == {"member": None}
    assert [(e["message"], e["path"]) for e in failed["errors"]] == [
        ("This member's phone is withheld.", ["member", "phone"])
    ]
    for name in ("lookup_by_phone", "lookup_by_id", "record_order"):
        assert await differential(app, api, sides, OPERATIONS[name], 25) > 10
