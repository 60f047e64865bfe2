"""Bad input: every problem at once, with file, line and field path; never a traceback."""

import pytest

from sysdesign import load_spec, load_spec_text
from sysdesign.errors import SpecError, SysdesignError
from tests.conftest import EXAMPLES

ISSUE_SHAPE = """\
name: Twitter-like timeline            # required
description: Post short texts, follow people, read a home timeline.
users:
  dau: 10M
  peak_factor: 2
actions:
  post_tweet:
    kind: write
    share_of_users: 10%
    per_user_per_day: 2
    request_size: 100 B
    response_size: 50 B
    stored_size: 100 B
    endpoint: POST /api/v1/tweet
  view_timeline:
    kind: read
    per_user_per_day: 10
    response_size: 1 KB
    endpoint: GET /api/v1/timeline/{user_id}
storage:
  retention: 5 years
  replication: 1
cache:
  hot_fraction: 20%
requirements:
  availability: 99.99%
  consistency: eventual
  durability: high
  latency:
    view_timeline: {p95: 200 ms}
    post_tweet: {p99: 500 ms}
assumptions:
  server_rps: 500
"""


def test_issue_shape_is_accepted():
    spec = load_spec_text(ISSUE_SHAPE)
    assert spec.users.dau == 10e6
    assert spec.actions["post_tweet"].share_of_users == 0.1
    assert spec.requirements.latency["view_timeline"]["p95"] == pytest.approx(0.2)
    assert spec.storage.retention == 5 * 365 * 86400
    assert spec.assumptions == {"server_rps": 500}


def problems(text):
    with pytest.raises(SpecError) as exc:
        load_spec_text(text, source="s.yaml")
    return exc.value


def test_bad_example_reports_all_problems_with_lines():
    with pytest.raises(SpecError) as exc:
        load_spec(EXAMPLES / "bad.yaml")
    msg = str(exc.value)
    assert 'bad.yaml:7: actions.post_tweet.per_user_per_day: must be a positive number, got "-3"' \
        in msg
    assert "bad.yaml:8: actions.post_tweet.request_size:" in msg
    assert 'did you mean "response_size"' in msg
    assert len(exc.value.problems) == 3


def test_unknown_top_level_key_did_you_mean():
    err = problems(ISSUE_SHAPE + "requirments: {}\n")
    assert 'unknown key "requirments" (did you mean "requirements"?)' in str(err)
    assert err.problems[0].line == ISSUE_SHAPE.count("\n") + 1


def test_unknown_assumption_did_you_mean():
    err = problems(ISSUE_SHAPE.replace("server_rps: 500", "server_rsp: 500"))
    assert 'assumptions.server_rsp: unknown assumption "server_rsp" (did you mean "server_rps"?)' \
        in str(err)


def test_missing_required_fields():
    err = problems("description: nothing else\n")
    paths = {p.path for p in err.problems}
    assert {"name", "users", "actions"} <= paths


def test_users_need_dau_or_mau():
    err = problems("name: x\nusers: {mau: 10M}\nactions: {a: {kind: read}}\n")
    assert "daily_fraction" in str(err)


def test_latency_for_unknown_action():
    err = problems(ISSUE_SHAPE.replace("view_timeline: {p95", "view_timelin: {p95"))
    assert "requirements.latency" in str(err) and "view_timelin" in str(err)


def test_invalid_yaml_points_at_line():
    err = problems("name: x\nusers: [\n")
    assert "not valid YAML" in str(err) and err.problems[0].line is not None


def test_duplicate_keys_are_errors():
    err = problems("name: x\nname: y\nusers: {dau: 1}\nactions: {a: {kind: read}}\n")
    assert "duplicate key" in str(err) and "s.yaml:2" in str(err)


def test_yaml_is_loaded_safely():
    err = problems("name: !!python/object/apply:os.system ['echo hi']\nusers: {dau: 1}\n")
    assert "not valid YAML" in str(err)


@pytest.mark.parametrize("text", ["", "just a string", "- a\n- b\n"])
def test_not_a_mapping(text):
    with pytest.raises(SpecError):
        load_spec_text(text)


def test_missing_file():
    with pytest.raises(SysdesignError, match="no such file"):
        load_spec("does/not/exist.yaml")


def test_set_overrides():
    spec = load_spec_text(ISSUE_SHAPE, overrides=["users.dau=50M", "design.app.count=3"])
    assert spec.users.dau == 50e6
    assert spec.design.app.count == 3
    with pytest.raises(SysdesignError):
        load_spec_text(ISSUE_SHAPE, overrides=["nonsense"])


def test_per_user_and_total_exclusive():
    err = problems(ISSUE_SHAPE.replace("    per_user_per_day: 2\n",
                                       "    per_user_per_day: 2\n    total: 1M/day\n"))
    assert "not both" in str(err)


def test_set_problems_name_the_option_not_a_file_line():
    with pytest.raises(SpecError) as exc:
        load_spec_text(ISSUE_SHAPE, source="s.yaml", overrides=["users.dau=-1"])
    (problem,) = exc.value.problems
    assert problem.path == "users.dau" and problem.line is None
    assert "(from --set)" in str(exc.value)
