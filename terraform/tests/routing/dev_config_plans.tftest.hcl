# Generated from routing-cases.json by scripts/routing-cases.ts: do not edit.
# Refused cases are runs that fail: run by scripts/tests/routingCases.test.ts with
#   terraform -chdir=terraform test -test-directory=tests/routing
# which checks every verdict and message against the table, as the local stack's
# routingCases.test.ts does.

mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }
  }
}

variables {
  project       = "tp"
  artifacts_dir = "tests/fixtures/artifacts"
}

# The quick-start config: all four functions, one declared chain.
run "dev_config_plans" {
  command = plan

  variables {
    region    = "eu-west-1"
    buckets   = { "uploads" = {}, "reports" = { "force_destroy" = true }, "inbox" = {}, "archives" = { "force_destroy" = true }, "photos" = {}, "renditions" = { "force_destroy" = true } }
    network   = {}
    pipelines = { "checksum" = { "function" = "checksum", "source_bucket" = "uploads", "delivery" = "queue", "settings" = { "EXTRA_ALGORITHMS" = "sha256" } }, "metadata" = { "function" = "metadata", "source_bucket" = "uploads", "output_bucket" = "reports", "output_prefix" = "metadata/", "delivery" = "direct", "consumes" = ["checksum"] }, "compress" = { "function" = "compress", "source_bucket" = "inbox", "prefix" = "incoming/", "output_bucket" = "archives", "output_prefix" = "processed/", "delivery" = "direct", "memory_mb" = 3538, "timeout_s" = 900 }, "image-resize" = { "function" = "image-resize", "source_bucket" = "photos", "output_bucket" = "renditions", "delivery" = "direct", "memory_mb" = 2048, "timeout_s" = 120 } }
  }

  assert {
    condition     = length(module.functions) == 4
    error_message = "dev_config_plans plans its 4 pipeline(s)."
  }
}
