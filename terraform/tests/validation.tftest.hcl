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
    project   = jsondecode(file("envs/dev.tfvars.json")).project
    region    = jsondecode(file("envs/dev.tfvars.json")).region
    tags      = jsondecode(file("envs/dev.tfvars.json")).tags
    buckets   = jsondecode(file("envs/dev.tfvars.json")).buckets
    pipelines = jsondecode(file("envs/dev.tfvars.json")).pipelines
  }

  assert {
    condition     = keys(module.functions) == ["checksum", "compress", "image-resize", "metadata"] && module.triggers["uploads"].notification.eventbridge
    error_message = "dev wires all four functions, checksum (queue) and metadata (direct) on uploads."
  }

  assert {
    condition     = keys(module.layers) == ["s3-stream", "sharp-arm64"] && keys(module.triggers) == ["inbox", "photos", "uploads"]
    error_message = "dev publishes the s3-stream and arm64 sharp layers and triggers on uploads, inbox and photos."
  }
}

run "prod_env_plans" {
  command = plan

  variables {
    project            = jsondecode(file("envs/prod.tfvars.json")).project
    region             = jsondecode(file("envs/prod.tfvars.json")).region
    tags               = jsondecode(file("envs/prod.tfvars.json")).tags
    log_retention_days = jsondecode(file("envs/prod.tfvars.json")).log_retention_days
    buckets            = jsondecode(file("envs/prod.tfvars.json")).buckets
    pipelines          = jsondecode(file("envs/prod.tfvars.json")).pipelines
  }

  assert {
    condition     = keys(module.functions) == ["checksum", "metadata"] && module.functions["metadata"].function.reserved_concurrent_executions == 50
    error_message = "prod wires checksum and metadata, with metadata's reserved concurrency."
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
