"""The pydantic-free stand-in for the Action class must agree with the real one: the same field order, and
`isinstance` true exactly for real Actions, whether or not the model was imported first."""

from __future__ import annotations

import subprocess
import sys

from schemas.action import Action as RealAction
from schemas.record_shape import FIELDS, Action


def test_fields_are_the_models_fields_in_order() -> None:
    assert tuple(RealAction.model_fields) == FIELDS


def test_isinstance_agrees_with_the_real_class() -> None:
    real = RealAction.model_validate({"site": "s", "url": "https://s/a/1", "identifier": "1", "name": "n"})
    assert isinstance(real, Action)
    assert not isinstance({"identifier": "1"}, Action)
    assert issubclass(RealAction, Action)
    assert Action.model_fields is RealAction.model_fields  # class attributes come from the real class


def test_a_dict_is_no_action_without_loading_pydantic() -> None:
    code = ("import sys\nfrom schemas.record_shape import Action\n"
            "print(isinstance({}, Action), 'pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
