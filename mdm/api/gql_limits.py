"""Limits on what one GraphQL document may ask: depth, aliases, tokens, and cost.

Cost counts the objects a query may return: each object field counts once per item, a list
counts `first` items (or `len(ids)`, or `MAX_PAGE` when either is a variable, or
`DEFAULT_LIST` when nothing bounds it), and nesting multiplies. Scalars are free; the token
limit bounds width. Introspection (`__schema`, `__type`) is not counted: its size is the schema's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as create_alias_rule
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.extensions.query_depth_limiter import create_validator as create_depth_rule

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

MAX_DEPTH = 10
MAX_ALIASES = 20
MAX_TOKENS = 2000
MAX_COST = 50_000
DEFAULT_LIST = 10
MAX_PAGE = 100
_SIZE_ARGUMENTS = ("first", "ids")


def _ignore_introspection(context: IgnoreContext) -> bool:
    return context.field_name.startswith("__")


def extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema extensions that enforce the limits (fresh ones per request).

    The rule classes are made once: strawberry's validation cache is keyed by the rules, so
    classes made anew per request (as the limiters' own constructors do) would never hit it.
    """
    rules = [
        create_depth_rule(MAX_DEPTH, _ignore_introspection),
        create_alias_rule(MAX_ALIASES),
        CostLimit,
    ]
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(rules),
    ]


class CostLimit(ValidationRule):
    """Refuse an operation whose cost (objects it may return) is over `MAX_COST`."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        context: ValidationContext = self.context
        root = context.schema.get_root_type(node.operation)
        if root is None:
            return
        cost = _Costing(context).selection(node.selection_set, root, depth=0)
        if cost > MAX_COST:
            context.report_error(
                GraphQLError(
                    f"query cost {cost} is over the limit of {MAX_COST}: each list counts "
                    f"`first` items ({DEFAULT_LIST} when unbounded) and nested lists multiply; "
                    "ask for fewer items or less nesting",
                    node,
                    extensions={"code": "query_too_costly"},
                )
            )


class _Costing:
    """The cost of selections, fragments expanded under their own type conditions."""

    def __init__(self, context: ValidationContext) -> None:
        self.schema = context.schema
        self.fragments = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def selection(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, depth: int
    ) -> int:
        if selection_set is None or depth > MAX_DEPTH * 4:  # fragment cycles are invalid anyway
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, depth)
            elif isinstance(selection, InlineFragmentNode):
                inner = self._condition(selection.type_condition, parent)
                total += self.selection(selection.selection_set, inner, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    inner = self._condition(fragment.type_condition, parent)
                    total += self.selection(fragment.selection_set, inner, depth + 1)
        return total

    def _condition(self, condition: NamedTypeNode | None, parent: GraphQLNamedType) -> Any:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent

    def field(self, node: FieldNode, parent: GraphQLNamedType, depth: int) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields.get(name)
        if definition is None or node.selection_set is None:
            return 0  # a scalar, or an unknown field (another rule reports it)
        field_type, items = definition.type, 1
        while isinstance(field_type, GraphQLNonNull | GraphQLList):
            if isinstance(field_type, GraphQLList):
                items *= _list_size(node)
            field_type = field_type.of_type
        return items * (1 + self.selection(node.selection_set, field_type, depth + 1))


def _list_size(node: FieldNode) -> int:
    for argument in node.arguments or ():
        if argument.name.value not in _SIZE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, min(int(value.value), MAX_PAGE))
        if isinstance(value, ListValueNode):
            return max(1, len(value.values))
        return MAX_PAGE  # a variable: count the most it may be
    return DEFAULT_LIST
