"""The replica's GraphQL schema: the subset of Kausal Watch's public API that `vahti verify` asks for.

Field names and shapes are the back end's (reference 4.3, 11.3): the page's embedded action object *is* a result
of this API, so the replica answers with the same JSON it embeds in its V3 pages (`embedded.action_object`), from
the same plan state, for whatever day is served. The front-end era does not change the API: a 2019 page and a
2025 page of the same plan state were both made from one back end, and verify asks today's schema.

Built with graphql-core from SDL, so a query the real API would reject (an unknown field, a missing argument) is
rejected here too, with GraphQL's own error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLSchema, build_schema, graphql_sync
from graphql.execution.values import get_directive_values
from graphql.language import OperationDefinitionNode

from scraper.replica.embedded import action_object
from scraper.replica.model import ActionData, PlanData
from scraper.replica.view import LANGS, Site, build_view

SDL = """
"The front end asks every query in the reader's language: `query Q @locale(lang: \\"sv\\") { … }`."
directive @locale(lang: String!) on QUERY

scalar Date
scalar DateTime

enum DateFormat { FULL MONTH_YEAR YEAR }
enum ActionTaskState { NOT_STARTED IN_PROGRESS COMPLETED CANCELLED }
enum ActionResponsiblePartyRole { PRIMARY COLLABORATOR }

type Query {
  plan(id: ID!): Plan
  planActions(plan: ID!, first: Int): [Action!]
  action(plan: ID, identifier: ID, id: ID): Action
}

type Plan {
  id: ID!
  identifier: ID!
  name: String!
  primaryActionClassification: CategoryType
  categoryTypes: [CategoryType!]!
  generalContent: SiteGeneralContent
  actionListPage: ActionListPage
}
type SiteGeneralContent { officialNameDescription: String }
type ActionListPage { taskDateFormat: DateFormat actionDateFormat: DateFormat }

type CategoryType { id: ID! identifier: ID! name: String! }
type Category { id: ID! identifier: String! name: String! parent: Category type: CategoryType }
type Organization { id: ID! abbreviation: String name: String! email: String }
type Person {
  id: ID!
  firstName: String!
  lastName: String!
  title: String
  avatarUrl: String
  organization: Organization
}
type ActionContactPerson { id: ID! primaryContact: Boolean person: Person! }
type ActionResponsibleParty {
  id: ID!
  role: ActionResponsiblePartyRole
  specifier: String
  organization: Organization!
}
type ActionTask {
  id: ID!
  name: String!
  state: ActionTaskState
  dueAt: Date
  completedAt: Date
  dateFormat: DateFormat
  details: String
}
type ActionStatus { id: ID! identifier: String! name: String! color: String }
type ActionStatusSummary {
  identifier: String!
  label: String!
  color: String
  sentiment: String
  isCompleted: Boolean
  isActive: Boolean
}
type ActionImplementationPhase { id: ID! identifier: String! name: String! }
type ActionImpact { id: ID! identifier: String! name: String! }
type ActionSchedule { id: ID! name: String! beginsAt: Date endsAt: Date }
type Indicator { id: ID! name: String! }
type ActionIndicator { id: ID! indicator: Indicator! }
type ActionLink { id: ID! url: String! title: String }
type StatusUpdate { id: ID! title: String! date: Date author: Person content: String }

type Action {
  id: ID!
  identifier: ID!
  name: String!
  officialName: String
  leadParagraph: String
  description: String
  completion: Int
  updatedAt: DateTime!
  categories: [Category!]!
  contactPersons: [ActionContactPerson!]!
  responsibleParties: [ActionResponsibleParty!]!
  tasks: [ActionTask!]!
  status: ActionStatus
  statusSummary: ActionStatusSummary
  implementationPhase: ActionImplementationPhase
  impact: ActionImpact
  schedule: [ActionSchedule!]!
  scheduleContinuous: Boolean
  startDate: Date
  endDate: Date
  relatedIndicators: [ActionIndicator!]!
  links: [ActionLink!]!
  statusUpdates: [StatusUpdate!]!
  nextAction: Action
  previousAction: Action
  plan: Plan
}
"""

SCHEMA: GraphQLSchema = build_schema(SDL)
_LOCALE = SCHEMA.get_directive("locale")

JSON = dict[str, Any]


def execute(plan: PlanData, base_url: str, query: str, variables: JSON | None = None,
            operation_name: str | None = None) -> JSON:
    """Run one GraphQL request against the plan state; the result as the wire JSON (`data`, `errors`)."""
    result = graphql_sync(SCHEMA, query, root_value=_Root(plan, base_url), variable_values=variables,
                          operation_name=operation_name)
    out: JSON = {"data": result.data}
    if result.errors:
        out["errors"] = [error.formatted for error in result.errors]
    return out


class _Root:
    """Query resolvers. graphql-core's default resolver calls a callable attribute with (info, **args)."""

    def __init__(self, plan: PlanData, base_url: str) -> None:
        self._plan = plan
        self._base_url = base_url
        self.plan: Callable[..., JSON | None] = self._plan_field
        self.planActions: Callable[..., list[JSON]] = self._plan_actions
        self.action: Callable[..., JSON | None] = self._action

    def _known(self, identifier: str | None) -> bool:
        return identifier in (self._plan.identifier, self._plan.key)

    def _plan_field(self, info: Any, id: str) -> JSON | None:
        return plan_object(self._plan) if self._known(id) else None

    def _plan_actions(self, info: Any, plan: str, first: int | None = None) -> list[JSON]:
        if not self._known(plan):
            raise ValueError(f"Plan {plan} not found")
        actions = self._plan.live_actions()
        if first is not None:
            actions = actions[: max(first, 0)]
        lang = _locale(info)
        return [self._object(a, lang) for a in actions]

    def _action(self, info: Any, plan: str | None = None, identifier: str | None = None,
                id: str | None = None) -> JSON | None:
        if plan is not None and not self._known(plan):
            return None
        for a in self._plan.live_actions():
            if (identifier is not None and a.identifier == identifier) or (id is not None and str(a.pk) == id):
                return self._object(a, _locale(info))
        return None

    def _object(self, action: ActionData, lang: str) -> JSON:
        site = Site(self._base_url, lang, "/actions", self._plan.base_path)
        view = build_view(self._plan, action, site, "v3", False)
        obj = action_object(self._plan, view, "v3")
        obj["plan"] = plan_object(self._plan)
        return obj


def plan_object(plan: PlanData) -> JSON:
    primary = plan.primary_type()
    types = [{"id": t.identifier, "identifier": t.identifier, "name": t.name} for t in plan.category_types]
    return {
        "id": plan.identifier, "identifier": plan.identifier, "name": plan.name,
        "primaryActionClassification": {"id": primary.identifier, "identifier": primary.identifier,
                                        "name": primary.name},
        "categoryTypes": types,
        "generalContent": {"officialNameDescription": plan.official_name_description},
        "actionListPage": {"taskDateFormat": plan.task_date_format, "actionDateFormat": "FULL"},
    }


def _locale(info: Any) -> str:
    """The language named by the operation's `@locale(lang: …)`; Finnish without one, as the back end does."""
    operation = info.operation
    if isinstance(operation, OperationDefinitionNode) and _LOCALE is not None:
        values = get_directive_values(_LOCALE, operation, info.variable_values)
        if values and values.get("lang") in LANGS:
            return str(values["lang"])
    return "fi"
