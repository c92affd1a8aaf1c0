# Plan-time rejections of bad input (expect_failures) and the edge cases right
# next to them that must still plan. Mocked provider: nothing leaves the machine.

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
    condition     = keys(module.functions) == ["checksum", "metadata"] && module.triggers["uploads"].notification.eventbridge
    error_message = "dev wires checksum (queue) and metadata (direct) on uploads."
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

# docs/deploy.md's compress and image-resize example, merged into dev.
run "docs_extra_pipelines_plan" {
  command = plan

  variables {
    project = "s3p-dev"
    buckets = merge(jsondecode(file("envs/dev.tfvars.json")).buckets, { images = {} })
    pipelines = merge(jsondecode(file("envs/dev.tfvars.json")).pipelines, {
      compress = {
        function      = "compress"
        source_bucket = "uploads"
        prefix        = "incoming/"
        output_prefix = "processed/"
        delivery      = "queue"
        memory_mb     = 3538
        timeout_s     = 900
        settings      = { FORMAT = "zip" }
      }
      image-resize = {
        function      = "image-resize"
        source_bucket = "uploads"
        prefix        = "photos/"
        suffix        = ".jpg"
        output_bucket = "images"
        output_prefix = "resized/"
        delivery      = "queue"
        memory_mb     = 2048
        architecture  = "arm64"
      }
    })
  }

  assert {
    condition     = length(module.functions) == 4 && keys(module.layers) == ["s3-stream", "sharp-arm64"] && length(module.triggers["uploads"].rules) == 3
    error_message = "The documented extra pipelines plan beside dev's: 4 functions, the arm64 sharp layer, 3 queue rules on uploads."
  }

  assert {
    condition     = jsondecode(module.triggers["uploads"].event_patterns["compress"]).detail.object.key == [{ wildcard = "incoming/*" }]
    error_message = "compress on incoming/ is matched by the wildcard incoming/*."
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

# ------------------------------------------------------------------ overlap --

# Two direct pipelines on one bucket: "" matches everything under incoming/ too.
run "overlap_empty_prefix_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports" }
      compress = { function = "compress", source_bucket = "uploads", prefix = "incoming/", output_bucket = "reports" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "overlap_nested_prefix_and_suffix_rejected" {
  command = plan

  variables {
    pipelines = {
      a = { function = "metadata", source_bucket = "uploads", prefix = "photos/", suffix = ".jpg", output_bucket = "reports" }
      b = { function = "metadata", source_bucket = "uploads", prefix = "photos/2024/", suffix = "g", output_bucket = "reports", output_prefix = "b/" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "disjoint_suffixes_allowed" {
  command = plan

  variables {
    pipelines = {
      pdf = { function = "metadata", source_bucket = "uploads", prefix = "docs/", suffix = ".pdf", output_bucket = "reports", output_prefix = "pdf/" }
      csv = { function = "metadata", source_bucket = "uploads", prefix = "docs/", suffix = ".csv", output_bucket = "reports", output_prefix = "csv/" }
      oth = { function = "metadata", source_bucket = "inbox", output_bucket = "reports", output_prefix = "inbox/" }
    }
  }

  assert {
    condition     = length(module.triggers["uploads"].notification.lambda_function) == 2 && length(module.triggers["inbox"].notification.lambda_function) == 1
    error_message = "Same prefix with different suffixes, or different buckets, do not overlap."
  }
}

run "queue_pipelines_may_overlap" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", delivery = "queue" }
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports", delivery = "queue" }
      resize   = { function = "image-resize", source_bucket = "uploads", output_bucket = "reports", output_prefix = "img/", delivery = "queue" }
    }
  }

  assert {
    condition     = length(module.triggers["uploads"].rules) == 3 && length(module.triggers["uploads"].notification.lambda_function) == 0
    error_message = "Queue pipelines each get their own rule and may watch the same objects."
  }
}

# -------------------------------------------------------------------- loop --

# Direct delivery has no exclusion: checksum would checksum its own .md5 files.
run "loop_checksum_direct_rejected" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

# With a prefix the rule is a wildcard "data/*", which matches data/x.md5.
run "loop_checksum_queue_with_prefix_rejected" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", prefix = "data/", delivery = "queue" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "loop_checksum_md5_suffix_rejected" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", suffix = "5", delivery = "queue" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "checksum_direct_with_other_suffix_allowed" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", suffix = ".csv" }
    }
  }

  assert {
    condition     = one(module.triggers["uploads"].notification.lambda_function).filter_suffix == ".csv"
    error_message = "x.csv.md5 does not end with .csv: no loop, and the filter is kept."
  }
}

# metadata writes <output_prefix><key>.metadata.json = in/... into its own trigger.
run "loop_metadata_into_own_prefix_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", prefix = "in/" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "metadata_same_bucket_other_prefix_allowed" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", prefix = "in/", output_prefix = "meta/" }
    }
  }

  assert {
    condition     = module.functions["metadata"].function.environment[0].variables.OUTPUT_PREFIX == "meta/" && keys(module.triggers) == ["uploads"]
    error_message = "meta/in/... cannot match in/: allowed, writing to the source bucket under meta/."
  }
}

run "loop_compress_output_under_input_rejected" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", prefix = "incoming/", output_prefix = "incoming/done/" }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

# With FORMAT=gzip the outputs end in .gz; a "" prefix matches processed/ too.
run "loop_compress_gzip_suffix_rejected" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", suffix = ".gz", output_prefix = "processed/", settings = { FORMAT = "gzip" } }
    }
  }

  expect_failures = [terraform_data.pipeline_rules]
}

run "compress_zip_outputs_vs_gz_trigger_allowed" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", suffix = ".gz", output_prefix = "processed/" }
    }
  }

  assert {
    condition     = contains(keys(module.functions), "compress")
    error_message = "Default zip outputs (.zip) cannot match a .gz trigger."
  }
}

# Queue mode with no prefix/suffix excludes the function's own (known) output
# suffix with anything-but, which breaks the loop; FORMAT picks the suffix.
run "queue_anything_but_breaks_loop" {
  command = plan

  variables {
    pipelines = {
      compress = { function = "compress", source_bucket = "inbox", output_prefix = "processed/", delivery = "queue", settings = { FORMAT = "gzip" } }
    }
  }

  assert {
    condition     = jsondecode(module.triggers["inbox"].event_patterns["compress"]).detail.object.key == [{ "anything-but" = { suffix = ".gz" } }]
    error_message = "compress/gzip in queue mode with no filters must exclude *.gz. Got: ${module.triggers["inbox"].event_patterns["compress"]}"
  }
}

# ------------------------------------------------------------- validations --

run "image_resize_same_bucket_rejected" {
  command = plan

  variables {
    pipelines = {
      resize = { function = "image-resize", source_bucket = "uploads", output_bucket = "uploads", output_prefix = "thumbs/" }
    }
  }

  expect_failures = [var.pipelines]
}

run "checksum_with_output_rejected" {
  command = plan

  variables {
    pipelines = {
      checksum = { function = "checksum", source_bucket = "uploads", output_bucket = "reports" }
    }
  }

  expect_failures = [var.pipelines]
}

run "unknown_function_rejected" {
  command = plan

  variables {
    pipelines = {
      x = { function = "transcode", source_bucket = "uploads", output_bucket = "reports" }
    }
  }

  expect_failures = [var.pipelines]
}

run "unknown_bucket_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "photos", output_bucket = "reports" }
    }
  }

  expect_failures = [var.pipelines]
}

run "bad_delivery_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports", delivery = "sns" }
    }
  }

  expect_failures = [var.pipelines]
}

run "memory_out_of_range_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports", memory_mb = 64 }
    }
  }

  expect_failures = [var.pipelines]
}

run "lowercase_setting_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports", settings = { maxBytes = "1" } }
    }
  }

  expect_failures = [var.pipelines]
}

run "reserved_setting_rejected" {
  command = plan

  variables {
    pipelines = {
      metadata = { function = "metadata", source_bucket = "uploads", output_bucket = "reports", settings = { OUTPUT_BUCKET = "elsewhere" } }
    }
  }

  expect_failures = [var.pipelines]
}

run "bucket_prefix_too_long_rejected" {
  command = plan

  variables {
    project   = "abcdefghijklmnopqrs"
    buckets   = { uploads = {}, a-very-long-bucket-key = {} }
    pipelines = {}
  }

  expect_failures = [var.buckets]
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
