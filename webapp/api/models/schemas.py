"""Schemas of the model versions API."""

import marshmallow as ma

from webapp.api.envelope import PageArgsSchema
from webapp.api.exports.schemas import ExportJobSchema


class ModelVersionSchema(ma.Schema):
    id = ma.fields.Integer()
    project_id = ma.fields.Integer()
    dataset_id = ma.fields.Integer()
    training_job_id = ma.fields.Integer()
    version = ma.fields.Integer()
    name = ma.fields.String()
    labels = ma.fields.List(ma.fields.String())
    image_size = ma.fields.Integer()
    task_type = ma.fields.Function(
        lambda model: (model.preprocessing or {}).get("task", "classification"),
        metadata={"type": "string", "enum": ["classification", "detection"]},
    )
    metrics = ma.fields.Dict(
        metadata={
            "description": "The train stage's figures and `test`: classifiers accuracy, per_class "
            "precision/recall and confusion_matrix {labels, matrix (rows actual, columns predicted)}; "
            "detectors COCO map, map50, map75 and per_class ap/ap50"
        }
    )
    params = ma.fields.Dict()
    preprocessing = ma.fields.Dict()
    artifact_sha256 = ma.fields.String()
    artifact_size = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class ModelVersionDetailSchema(ModelVersionSchema):
    exports = ma.fields.List(
        ma.fields.Nested(ExportJobSchema), metadata={"description": "Its export jobs, newest first"}
    )


class ModelVersionQueryArgsSchema(PageArgsSchema):
    project_id = ma.fields.Integer()
    dataset_id = ma.fields.Integer()
