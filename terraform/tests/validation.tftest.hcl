# The committed environments and the edge cases of wiring that must plan.
# Every accept/refuse rule for tfvars is a case of routing-cases.json, run by
# routing_cases.tftest.hcl (generated) and by the local stack's own tests.
# Mocked provider: nothing leaves the machine.

mock_provider "aws" {
  # The defaults wiring.tftest.hcl shares; the two settings below are this file's own.
  source = "./tests/mocks"

  # Mocked computed values (bucket names in event patterns) are known at plan time.
  override_during = plan

  # wiring.tftest.hcl overrides each bucket by name; here one name serves every bucket.
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }
  }
}

variables {
  project       = "tp"
  region        = "eu-west-1"
  artifacts_dir = "tests/fixtures/artifacts"
  buckets = {
    uploads = {}
    reports = {}
    inbox   = {}
  }
}

# The committed environments must plan as they are.
run "dev_env_plans" {
  command = plan

  variables {
    project                = jsondecode(file("envs/dev.tfvars.json")).project
    region                 = jsondecode(file("envs/dev.tfvars.json")).region
    tags                   = jsondecode(file("envs/dev.tfvars.json")).tags
    alarms_without_actions = jsondecode(file("envs/dev.tfvars.json")).alarms_without_actions
    protect_from_destroy   = jsondecode(file("envs/dev.tfvars.json")).protect_from_destroy
    buckets                = jsondecode(file("envs/dev.tfvars.json")).buckets
    pipelines              = jsondecode(file("envs/dev.tfvars.json")).pipelines
  }

  assert {
    condition     = keys(module.functions) == ["checksum", "compress", "image-resize", "metadata"] && module.triggers["uploads"].notification.eventbridge
    error_message = "dev wires all four functions, checksum (queue) and metadata (direct) on uploads."
  }

  assert {
    condition     = keys(module.layers) == ["s3-stream", "sharp-arm64"] && keys(module.triggers) == ["inbox", "photos", "uploads"]
    error_message = "dev publishes the s3-stream and arm64 sharp layers and triggers on uploads, inbox and photos."
  }

  # dev opts out of alarm actions explicitly, and its plan says so.
  assert {
    condition     = var.alarms_without_actions && length(aws_sns_topic.alarms) == 0 && startswith(output.alarm_notifications, "Alarms notify NO ONE")
    error_message = "dev.tfvars.json opts out of alarm actions with alarms_without_actions = true, and the alarm_notifications output says so."
  }

  assert {
    condition     = !var.protect_from_destroy && module.buckets["reports"].bucket.force_destroy && !module.functions["metadata"].log_group.skip_destroy
    error_message = "dev.tfvars.json sets protect_from_destroy = false, so its force_destroy buckets and log groups can go."
  }
}

run "prod_env_plans" {
  command = plan

  variables {
    project              = jsondecode(file("envs/prod.tfvars.json")).project
    region               = jsondecode(file("envs/prod.tfvars.json")).region
    tags                 = jsondecode(file("envs/prod.tfvars.json")).tags
    log_retention_days   = jsondecode(file("envs/prod.tfvars.json")).log_retention_days
    protect_from_destroy = jsondecode(file("envs/prod.tfvars.json")).protect_from_destroy
    buckets              = jsondecode(file("envs/prod.tfvars.json")).buckets
    pipelines            = jsondecode(file("envs/prod.tfvars.json")).pipelines
  }

  assert {
    condition     = keys(module.functions) == ["checksum", "metadata"] && module.functions["metadata"].function.reserved_concurrent_executions == 50
    error_message = "prod wires checksum and metadata, with metadata's reserved concurrency."
  }

  # Every prod alarm reaches a topic: prod.tfvars.json neither opts out nor
  # names a topic, so it gets s3p-prod-alarms.
  assert {
    condition = length(aws_sns_topic.alarms) == 1 && aws_sns_topic.alarms[0].name == "s3p-prod-alarms" && alltrue(concat(
      [for k, f in module.functions : alltrue([for a in values(f.alarms) : length(a.alarm_actions) == 1])],
      [for b, t in module.triggers : alltrue([for a in values(t.alarms) : length(a.alarm_actions) == 1])],
    ))
    error_message = "In prod every alarm must have an action (its alarm topic)."
  }

  assert {
    condition = (
      var.protect_from_destroy &&
      alltrue([for k, f in module.functions : f.log_group.skip_destroy]) &&
      alltrue([for k, b in module.buckets : !b.bucket.force_destroy])
    )
    error_message = "prod keeps its log groups and never empties a data bucket on destroy."
  }

  assert {
    condition     = alltrue([for k, f in module.functions : f.role.permissions_boundary == "arn:aws:iam::123456789012:policy/s3p-prod-boundary"])
    error_message = "prod's roles carry the s3p-prod-boundary permissions boundary."
  }
}

run "buckets_without_pipelines_plan" {
  command = plan

  variables {
    pipelines = {}
  }

  assert {
    condition     = length(module.buckets) == 3 && length(module.functions) == 0 && length(module.triggers) == 0 && length(module.layers) == 0 && output.queues == {}
    error_message = "Buckets alone plan: no functions, triggers or layers."
  }
}

# --------------------------------------------------------- wildcard escaping --

run "wildcard_escapes_star_and_backslash" {
  command = plan

  variables {
    pipelines = {
      odd = { function = "metadata", source_bucket = "uploads", prefix = "a*b\\", suffix = ".x*", output_bucket = "reports", delivery = "queue" }
    }
  }

  assert {
    condition     = jsondecode(module.triggers["uploads"].event_patterns["odd"]).detail.object.key == [{ wildcard = "a\\*b\\\\*.x\\*" }]
    error_message = "A literal * and \\ in prefix/suffix must be escaped in the EventBridge wildcard. Got: ${module.triggers["uploads"].event_patterns["odd"]}"
  }
}
