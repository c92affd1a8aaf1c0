locals {
  # ------------------------------------------------------------------------
  # Everything Terraform knows about each function. A new function is one
  # entry here (and its zip in the build); a new pipeline is one tfvars entry.
  #
  # layers            layer names; {arch} becomes the pipeline's architecture
  # output_suffixes   suffix of the keys it writes, by settings.FORMAT ("" =
  #                   default); empty map = unknown (several formats)
  # output_in_source  writes beside the source object (ignores output_*)
  # output_key_prefix how an output key starts: "prefix" (the trigger
  #                   prefix), "output_prefix+prefix" or "output_prefix"
  # source_actions    S3 object actions on <source>/<prefix>*
  # output_actions    S3 object actions on <output>/<output key prefix>*
  # list              buckets that get s3:ListBucket (conditioned on the
  #                   prefix): "source" and/or "output". Every function HEADs
  #                   its output (idempotency) and, except checksum's
  #                   sidecar beside it, its source again before writing;
  #                   HeadObject of a missing key answers 404 rather than 403
  #                   only with ListBucket, and HeadObject needs s3:GetObject
  # ------------------------------------------------------------------------
  functions = {
    checksum = {
      layers            = ["s3-stream"]
      output_suffixes   = { "" = ".md5" }
      output_in_source  = true
      output_key_prefix = "prefix"
      source_actions    = ["s3:GetObject", "s3:GetObjectVersion"]
      output_actions    = ["s3:PutObject"]
      list              = ["source"]
    }
    metadata = {
      layers            = ["s3-stream"]
      output_suffixes   = { "" = ".metadata.json" }
      output_in_source  = false
      output_key_prefix = "output_prefix+prefix"
      source_actions    = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"]
      output_actions    = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"]
      list              = ["source", "output"]
    }
    compress = {
      layers            = ["s3-stream"]
      output_suffixes   = { "" = ".zip", zip = ".zip", gzip = ".gz" }
      output_in_source  = false
      output_key_prefix = "output_prefix"
      source_actions    = ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject"]
      output_actions    = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"]
      list              = ["source", "output"]
    }
    image-resize = {
      layers            = ["s3-stream", "sharp-{arch}"]
      output_suffixes   = {}
      output_in_source  = false
      output_key_prefix = "output_prefix"
      source_actions    = ["s3:GetObject", "s3:GetObjectVersion"]
      output_actions    = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"]
      list              = ["source", "output"]
    }
  }

  # Layers that can be published, and the architectures each runs on.
  layer_catalog = {
    "s3-stream"    = ["arm64", "x86_64"]
    "sharp-arm64"  = ["arm64"]
    "sharp-x86_64" = ["x86_64"]
  }

  # Environment variables Terraform sets itself; settings may not override them.
  reserved_env = ["OUTPUT_BUCKET", "OUTPUT_PREFIX", "TRIGGER_PREFIX", "TRIGGER_SUFFIX", "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL"]

  # ------------------------------------------------------------------------
  # Routing, from variables only (the validations use it, so it must not
  # depend on resources). The local stack implements the same rules.
  # ------------------------------------------------------------------------
  routes = {
    for k, p in var.pipelines : k => merge(p, {
      # An unknown function is reported by its own validation; fall back to
      # checksum here so the other validations still evaluate.
      fn = try(local.functions[p.function], local.functions.checksum)
    })
  }

  pipeline_routes = {
    for k, r in local.routes : k => merge(r, {
      output_logical = r.fn.output_in_source ? r.source_bucket : coalesce(r.output_bucket, r.source_bucket)
      output_prefix  = r.fn.output_in_source ? "" : r.output_prefix
      output_key_prefix = (
        r.fn.output_key_prefix == "prefix" ? r.prefix :
        r.fn.output_key_prefix == "output_prefix+prefix" ? "${r.output_prefix}${r.prefix}" :
        r.output_prefix
      )
      # null = unknown suffix (could be anything)
      output_suffix = try(r.fn.output_suffixes[lookup(r.settings, "FORMAT", "")], r.fn.output_suffixes[""], null)
    })
  }

  # A loop: outputs land in the source bucket and an output key can match the
  # trigger after the exclusions the delivery mode applies.
  loop_messages = {
    for k, r in local.pipeline_routes : k => format(
      "pipeline %q (%s) writes %q into its own source bucket %q, which its trigger (prefix %q, suffix %q, %s delivery) would match again; %s",
      k, r.function, "${r.output_key_prefix}*${r.output_suffix == null ? "" : r.output_suffix}", r.source_bucket, r.prefix, r.suffix, r.delivery,
      r.fn.output_in_source
      ? "give it a suffix that its outputs do not end with, or use delivery = \"queue\" with an empty prefix and suffix (its outputs are then excluded)."
      : "set output_bucket to another bucket, or an output_prefix outside the trigger prefix, or a suffix its outputs do not end with.",
    )
    if r.output_logical == r.source_bucket
    && (startswith(r.output_key_prefix, r.prefix) || startswith(r.prefix, r.output_key_prefix))
    # Every output ends with <trigger suffix><output suffix>, so it can match the
    # trigger suffix S exactly when S+O ends with S (i.e. O ends with S, for
    # len(S) <= len(O)); an unknown output suffix can match anything.
    && (r.output_suffix == null || endswith("${r.suffix}${coalesce(r.output_suffix, "-")}", r.suffix))
    && !(r.delivery == "queue" && r.prefix == "" && r.suffix == "" && r.output_suffix != null)
  }

  direct_keys = [for k, p in var.pipelines : k if p.delivery == "direct"]

  # Two direct pipelines on one bucket overlap when one prefix starts with the
  # other and one suffix ends with the other ("" matches everything).
  overlap_messages = merge(flatten([
    for i, a in local.direct_keys : [
      for j, b in local.direct_keys : { "${a}|${b}" = format(
        "direct pipelines %q (prefix %q, suffix %q) and %q (prefix %q, suffix %q) both match the same new objects in bucket %q, which S3 rejects; make their prefixes or suffixes disjoint, or set delivery = \"queue\" on one of them.",
        a, var.pipelines[a].prefix, var.pipelines[a].suffix, b, var.pipelines[b].prefix, var.pipelines[b].suffix, var.pipelines[a].source_bucket,
      ) }
      if j > i
      && var.pipelines[a].source_bucket == var.pipelines[b].source_bucket
      && (startswith(var.pipelines[a].prefix, var.pipelines[b].prefix) || startswith(var.pipelines[b].prefix, var.pipelines[a].prefix))
      && (endswith(var.pipelines[a].suffix, var.pipelines[b].suffix) || endswith(var.pipelines[b].suffix, var.pipelines[a].suffix))
    ]
  ])...)

  # ------------------------------------------------------------------------
  # Wiring (may use resources).
  # ------------------------------------------------------------------------
  pipeline_layers = {
    for k, r in local.pipeline_routes : k => [for l in r.fn.layers : replace(l, "{arch}", r.architecture)]
  }

  layers = {
    for l in distinct(flatten(values(local.pipeline_layers))) : l => local.layer_catalog[l]
  }

  context = {
    partition  = data.aws_partition.current.partition
    region     = var.region
    account_id = data.aws_caller_identity.current.account_id
  }

  pipeline_names = { for k, _ in var.pipelines : k => "${var.project}-${k}" }
}
