"""Contains all the data models used in inputs/outputs"""

from __future__ import annotations

from .annotation import Annotation
from .annotation_create import AnnotationCreate
from .annotation_create_source import AnnotationCreateSource
from .annotation_envelope import AnnotationEnvelope
from .annotation_page_envelope import AnnotationPageEnvelope
from .annotation_source import AnnotationSource
from .archive_request import ArchiveRequest
from .audit_event import AuditEvent
from .audit_event_action import AuditEventAction
from .audit_event_actor_type import AuditEventActorType
from .audit_event_changes import AuditEventChanges
from .audit_event_envelope import AuditEventEnvelope
from .audit_event_page_envelope import AuditEventPageEnvelope
from .batch import Batch
from .batch_envelope import BatchEnvelope
from .batch_file_error import BatchFileError
from .batch_file_result import BatchFileResult
from .batch_file_result_status import BatchFileResultStatus
from .batch_page_envelope import BatchPageEnvelope
from .batch_status import BatchStatus
from .batch_transition import BatchTransition
from .batch_transition_from_status import BatchTransitionFromStatus
from .batch_transition_to_status import BatchTransitionToStatus
from .batch_update import BatchUpdate
from .batch_update_status import BatchUpdateStatus
from .bins import Bins
from .box import Box
from .bucket import Bucket
from .bucket_class_counts import BucketClassCounts
from .bucket_class_mix import BucketClassMix
from .checkin import Checkin
from .checkin_create import CheckinCreate
from .checkin_create_metrics_type_0 import CheckinCreateMetricsType0
from .checkin_metrics_type_0 import CheckinMetricsType0
from .checkin_page_envelope import CheckinPageEnvelope
from .checkin_ref import CheckinRef
from .checkin_response import CheckinResponse
from .checkin_response_envelope import CheckinResponseEnvelope
from .dataset_version import DatasetVersion
from .dataset_version_counts_type_0 import DatasetVersionCountsType0
from .dataset_version_create import DatasetVersionCreate
from .dataset_version_create_image_statuses_type_0_item import (
    DatasetVersionCreateImageStatusesType0Item,
)
from .dataset_version_create_resize_type_1_type_0 import (
    DatasetVersionCreateResizeType1Type0,
)
from .dataset_version_create_splits_type_1_type_0 import (
    DatasetVersionCreateSplitsType1Type0,
)
from .dataset_version_envelope import DatasetVersionEnvelope
from .dataset_version_page_envelope import DatasetVersionPageEnvelope
from .dataset_version_params import DatasetVersionParams
from .dataset_version_status import DatasetVersionStatus
from .dataset_version_update import DatasetVersionUpdate
from .dataset_version_update_counts_type_0 import DatasetVersionUpdateCountsType0
from .dataset_version_update_status import DatasetVersionUpdateStatus
from .decision import Decision
from .decision_action import DecisionAction
from .decision_decided_by import DecisionDecidedBy
from .decision_figures_type_0 import DecisionFiguresType0
from .device import Device
from .device_config import DeviceConfig
from .device_config_model_type_1_type_0 import DeviceConfigModelType1Type0
from .device_config_sampling_type_1_type_0 import DeviceConfigSamplingType1Type0
from .device_envelope import DeviceEnvelope
from .device_model import DeviceModel
from .device_model_envelope import DeviceModelEnvelope
from .device_model_envelope_data_type_0_type_0 import DeviceModelEnvelopeDataType0Type0
from .device_model_output_type_0 import DeviceModelOutputType0
from .device_model_sampling_type_1_type_0 import DeviceModelSamplingType1Type0
from .device_model_source import DeviceModelSource
from .device_model_task import DeviceModelTask
from .device_page_envelope import DevicePageEnvelope
from .device_provision import DeviceProvision
from .device_provisioned import DeviceProvisioned
from .device_provisioned_envelope import DeviceProvisionedEnvelope
from .device_sampling import DeviceSampling
from .device_sampling_boost_type_1_type_0 import DeviceSamplingBoostType1Type0
from .device_sampling_class_quotas import DeviceSamplingClassQuotas
from .device_sampling_score_band_type_1_type_0 import DeviceSamplingScoreBandType1Type0
from .device_score_band import DeviceScoreBand
from .device_self import DeviceSelf
from .device_self_envelope import DeviceSelfEnvelope
from .device_self_project_type_0_type_0 import DeviceSelfProjectType0Type0
from .device_self_status import DeviceSelfStatus
from .device_status import DeviceStatus
from .device_update import DeviceUpdate
from .domain_rule import DomainRule
from .domain_rule_page_envelope import DomainRulePageEnvelope
from .domain_rule_role import DomainRuleRole
from .drift_check import DriftCheck
from .drift_check_create import DriftCheckCreate
from .drift_check_envelope import DriftCheckEnvelope
from .drift_event import DriftEvent
from .drift_event_envelope import DriftEventEnvelope
from .drift_event_figures import DriftEventFigures
from .drift_event_page_envelope import DriftEventPageEnvelope
from .drift_event_sampling_boost_type_0 import DriftEventSamplingBoostType0
from .error_body import ErrorBody
from .error_body_fields import ErrorBodyFields
from .error_envelope import ErrorEnvelope
from .export_job import ExportJob
from .export_job_accuracy_type_0 import ExportJobAccuracyType0
from .export_job_create import ExportJobCreate
from .export_job_create_format import ExportJobCreateFormat
from .export_job_create_precision import ExportJobCreatePrecision
from .export_job_drift_check_type_0 import ExportJobDriftCheckType0
from .export_job_envelope import ExportJobEnvelope
from .export_job_latency_ms_type_0 import ExportJobLatencyMsType0
from .export_job_options_type_0 import ExportJobOptionsType0
from .export_job_page_envelope import ExportJobPageEnvelope
from .export_job_parity_type_0 import ExportJobParityType0
from .export_job_progress_type_0 import ExportJobProgressType0
from .export_job_reference_type_0 import ExportJobReferenceType0
from .export_job_signature_type_0 import ExportJobSignatureType0
from .export_job_status import ExportJobStatus
from .export_project_format import ExportProjectFormat
from .export_project_response_200 import ExportProjectResponse200
from .field_metrics import FieldMetrics
from .field_metrics_envelope import FieldMetricsEnvelope
from .field_metrics_reference_type_1_type_0 import FieldMetricsReferenceType1Type0
from .field_prediction import FieldPrediction
from .field_prediction_page_envelope import FieldPredictionPageEnvelope
from .field_prediction_prediction import FieldPredictionPrediction
from .figures import Figures
from .figures_class_counts import FiguresClassCounts
from .figures_class_mix import FiguresClassMix
from .get_field_metrics_bucket import GetFieldMetricsBucket
from .guardrails import Guardrails
from .id import Id
from .image import Image
from .image_annotation_type_1_type_0 import ImageAnnotationType1Type0
from .image_batch import ImageBatch
from .image_envelope import ImageEnvelope
from .image_metadata_type_0 import ImageMetadataType0
from .image_page_envelope import ImagePageEnvelope
from .image_status import ImageStatus
from .image_update import ImageUpdate
from .image_update_status import ImageUpdateStatus
from .image_upload import ImageUpload
from .image_upload_sampling_reason import ImageUploadSamplingReason
from .image_uploaded import ImageUploaded
from .image_uploaded_envelope import ImageUploadedEnvelope
from .images_uploaded import ImagesUploaded
from .images_uploaded_envelope import ImagesUploadedEnvelope
from .import_ import Import
from .import_format import ImportFormat
from .import_report import ImportReport
from .import_report_envelope import ImportReportEnvelope
from .import_source import ImportSource
from .inference_box import InferenceBox
from .inference_prediction import InferencePrediction
from .inference_report import InferenceReport
from .inference_reported import InferenceReported
from .inference_reported_envelope import InferenceReportedEnvelope
from .inference_scored import InferenceScored
from .invitation import Invitation
from .invitation_create import InvitationCreate
from .invitation_create_role import InvitationCreateRole
from .invitation_envelope import InvitationEnvelope
from .invitation_page_envelope import InvitationPageEnvelope
from .invitation_role import InvitationRole
from .invitation_status import InvitationStatus
from .latency import Latency
from .link import Link
from .link_create import LinkCreate
from .link_envelope import LinkEnvelope
from .link_sync_status import LinkSyncStatus
from .list_audit_events_action import ListAuditEventsAction
from .list_audit_events_actor_type import ListAuditEventsActorType
from .list_batches_status import ListBatchesStatus
from .list_dataset_versions_status import ListDatasetVersionsStatus
from .list_export_jobs_precision import ListExportJobsPrecision
from .list_export_jobs_status import ListExportJobsStatus
from .list_images_order import ListImagesOrder
from .list_images_sort import ListImagesSort
from .list_images_status import ListImagesStatus
from .list_invitations_status import ListInvitationsStatus
from .list_projects_task_type import ListProjectsTaskType
from .list_rollouts_status import ListRolloutsStatus
from .list_training_jobs_status import ListTrainingJobsStatus
from .list_users_role import ListUsersRole
from .list_webhook_deliveries_event import ListWebhookDeliveriesEvent
from .list_webhook_deliveries_status import ListWebhookDeliveriesStatus
from .login_link import LoginLink
from .logout import Logout
from .me import Me
from .me_envelope import MeEnvelope
from .me_role import MeRole
from .meta import Meta
from .model_input import ModelInput
from .model_input_resize_type_0_type_0 import ModelInputResizeType0Type0
from .model_version import ModelVersion
from .model_version_detail import ModelVersionDetail
from .model_version_detail_envelope import ModelVersionDetailEnvelope
from .model_version_detail_metrics import ModelVersionDetailMetrics
from .model_version_detail_params import ModelVersionDetailParams
from .model_version_detail_preprocessing import ModelVersionDetailPreprocessing
from .model_version_detail_task_type import ModelVersionDetailTaskType
from .model_version_metrics import ModelVersionMetrics
from .model_version_page_envelope import ModelVersionPageEnvelope
from .model_version_params import ModelVersionParams
from .model_version_preprocessing import ModelVersionPreprocessing
from .model_version_task_type import ModelVersionTaskType
from .organization import Organization
from .organization_brief import OrganizationBrief
from .organization_counts import OrganizationCounts
from .organization_envelope import OrganizationEnvelope
from .organization_jobs import OrganizationJobs
from .organization_update import OrganizationUpdate
from .organization_usage import OrganizationUsage
from .project import Project
from .project_create import ProjectCreate
from .project_create_task_type import ProjectCreateTaskType
from .project_envelope import ProjectEnvelope
from .project_page_envelope import ProjectPageEnvelope
from .project_ref import ProjectRef
from .project_sampling_boost_type_0 import ProjectSamplingBoostType0
from .project_sampling_type_0_type_0 import ProjectSamplingType0Type0
from .project_task_type import ProjectTaskType
from .project_update import ProjectUpdate
from .project_update_sampling_type_1_type_0 import ProjectUpdateSamplingType1Type0
from .project_update_task_type import ProjectUpdateTaskType
from .provisioning_token import ProvisioningToken
from .provisioning_token_create import ProvisioningTokenCreate
from .provisioning_token_created import ProvisioningTokenCreated
from .provisioning_token_created_envelope import ProvisioningTokenCreatedEnvelope
from .provisioning_token_created_status import ProvisioningTokenCreatedStatus
from .provisioning_token_envelope import ProvisioningTokenEnvelope
from .provisioning_token_page_envelope import ProvisioningTokenPageEnvelope
from .provisioning_token_status import ProvisioningTokenStatus
from .pull_result import PullResult
from .pull_result_envelope import PullResultEnvelope
from .push_result import PushResult
from .push_result_envelope import PushResultEnvelope
from .reason import Reason
from .reference import Reference
from .reference_class_counts import ReferenceClassCounts
from .reference_class_mix import ReferenceClassMix
from .resize import Resize
from .resize_filter import ResizeFilter
from .resize_mode import ResizeMode
from .resize_placement import ResizePlacement
from .rollout import Rollout
from .rollout_check import RolloutCheck
from .rollout_check_create import RolloutCheckCreate
from .rollout_check_envelope import RolloutCheckEnvelope
from .rollout_create import RolloutCreate
from .rollout_create_promotion import RolloutCreatePromotion
from .rollout_detail import RolloutDetail
from .rollout_detail_envelope import RolloutDetailEnvelope
from .rollout_detail_figures_type_0 import RolloutDetailFiguresType0
from .rollout_detail_promotion import RolloutDetailPromotion
from .rollout_detail_status import RolloutDetailStatus
from .rollout_page_envelope import RolloutPageEnvelope
from .rollout_promotion import RolloutPromotion
from .rollout_status import RolloutStatus
from .sampling_boost import SamplingBoost
from .sampling_policy import SamplingPolicy
from .sampling_policy_class_quotas import SamplingPolicyClassQuotas
from .sampling_policy_score_band_type_1_type_0 import SamplingPolicyScoreBandType1Type0
from .schedule import Schedule
from .schedule_create import ScheduleCreate
from .schedule_create_device import ScheduleCreateDevice
from .schedule_dataset_params import ScheduleDatasetParams
from .schedule_dataset_params_image_statuses_item import (
    ScheduleDatasetParamsImageStatusesItem,
)
from .schedule_envelope import ScheduleEnvelope
from .schedule_page_envelope import SchedulePageEnvelope
from .schedule_run import ScheduleRun
from .schedule_run_envelope import ScheduleRunEnvelope
from .schedule_update import ScheduleUpdate
from .schedule_update_device import ScheduleUpdateDevice
from .score_band import ScoreBand
from .sign_in_methods import SignInMethods
from .sign_in_methods_envelope import SignInMethodsEnvelope
from .splits import Splits
from .stage import Stage
from .start_login_return_to import StartLoginReturnTo
from .tokens import Tokens
from .tokens_envelope import TokensEnvelope
from .training_job import TrainingJob
from .training_job_create import TrainingJobCreate
from .training_job_create_device import TrainingJobCreateDevice
from .training_job_envelope import TrainingJobEnvelope
from .training_job_metrics_type_0 import TrainingJobMetricsType0
from .training_job_page_envelope import TrainingJobPageEnvelope
from .training_job_params import TrainingJobParams
from .training_job_progress_type_0 import TrainingJobProgressType0
from .training_job_status import TrainingJobStatus
from .training_params import TrainingParams
from .upload_policy import UploadPolicy
from .user import User
from .user_envelope import UserEnvelope
from .user_page_envelope import UserPageEnvelope
from .user_role import UserRole
from .user_update import UserUpdate
from .user_update_role import UserUpdateRole
from .view_signed_image_variant import ViewSignedImageVariant
from .webhook import Webhook
from .webhook_annotation import WebhookAnnotation
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_envelope import WebhookDeliveryEnvelope
from .webhook_delivery_event import WebhookDeliveryEvent
from .webhook_delivery_page_envelope import WebhookDeliveryPageEnvelope
from .webhook_delivery_status import WebhookDeliveryStatus
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_create_events_item import WebhookEndpointCreateEventsItem
from .webhook_endpoint_created import WebhookEndpointCreated
from .webhook_endpoint_created_envelope import WebhookEndpointCreatedEnvelope
from .webhook_endpoint_created_events_item import WebhookEndpointCreatedEventsItem
from .webhook_endpoint_envelope import WebhookEndpointEnvelope
from .webhook_endpoint_events_item import WebhookEndpointEventsItem
from .webhook_endpoint_page_envelope import WebhookEndpointPageEnvelope
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_update_events_item import WebhookEndpointUpdateEventsItem
from .webhook_result import WebhookResult
from .webhook_result_envelope import WebhookResultEnvelope

__all__ = (
    "Annotation",
    "AnnotationCreate",
    "AnnotationCreateSource",
    "AnnotationEnvelope",
    "AnnotationPageEnvelope",
    "AnnotationSource",
    "ArchiveRequest",
    "AuditEvent",
    "AuditEventAction",
    "AuditEventActorType",
    "AuditEventChanges",
    "AuditEventEnvelope",
    "AuditEventPageEnvelope",
    "Batch",
    "BatchEnvelope",
    "BatchFileError",
    "BatchFileResult",
    "BatchFileResultStatus",
    "BatchPageEnvelope",
    "BatchStatus",
    "BatchTransition",
    "BatchTransitionFromStatus",
    "BatchTransitionToStatus",
    "BatchUpdate",
    "BatchUpdateStatus",
    "Bins",
    "Box",
    "Bucket",
    "BucketClassCounts",
    "BucketClassMix",
    "Checkin",
    "CheckinCreate",
    "CheckinCreateMetricsType0",
    "CheckinMetricsType0",
    "CheckinPageEnvelope",
    "CheckinRef",
    "CheckinResponse",
    "CheckinResponseEnvelope",
    "DatasetVersion",
    "DatasetVersionCountsType0",
    "DatasetVersionCreate",
    "DatasetVersionCreateImageStatusesType0Item",
    "DatasetVersionCreateResizeType1Type0",
    "DatasetVersionCreateSplitsType1Type0",
    "DatasetVersionEnvelope",
    "DatasetVersionPageEnvelope",
    "DatasetVersionParams",
    "DatasetVersionStatus",
    "DatasetVersionUpdate",
    "DatasetVersionUpdateCountsType0",
    "DatasetVersionUpdateStatus",
    "Decision",
    "DecisionAction",
    "DecisionDecidedBy",
    "DecisionFiguresType0",
    "Device",
    "DeviceConfig",
    "DeviceConfigModelType1Type0",
    "DeviceConfigSamplingType1Type0",
    "DeviceEnvelope",
    "DeviceModel",
    "DeviceModelEnvelope",
    "DeviceModelEnvelopeDataType0Type0",
    "DeviceModelOutputType0",
    "DeviceModelSamplingType1Type0",
    "DeviceModelSource",
    "DeviceModelTask",
    "DevicePageEnvelope",
    "DeviceProvision",
    "DeviceProvisioned",
    "DeviceProvisionedEnvelope",
    "DeviceSampling",
    "DeviceSamplingBoostType1Type0",
    "DeviceSamplingClassQuotas",
    "DeviceSamplingScoreBandType1Type0",
    "DeviceScoreBand",
    "DeviceSelf",
    "DeviceSelfEnvelope",
    "DeviceSelfProjectType0Type0",
    "DeviceSelfStatus",
    "DeviceStatus",
    "DeviceUpdate",
    "DomainRule",
    "DomainRulePageEnvelope",
    "DomainRuleRole",
    "DriftCheck",
    "DriftCheckCreate",
    "DriftCheckEnvelope",
    "DriftEvent",
    "DriftEventEnvelope",
    "DriftEventFigures",
    "DriftEventPageEnvelope",
    "DriftEventSamplingBoostType0",
    "ErrorBody",
    "ErrorBodyFields",
    "ErrorEnvelope",
    "ExportJob",
    "ExportJobAccuracyType0",
    "ExportJobCreate",
    "ExportJobCreateFormat",
    "ExportJobCreatePrecision",
    "ExportJobDriftCheckType0",
    "ExportJobEnvelope",
    "ExportJobLatencyMsType0",
    "ExportJobOptionsType0",
    "ExportJobPageEnvelope",
    "ExportJobParityType0",
    "ExportJobProgressType0",
    "ExportJobReferenceType0",
    "ExportJobSignatureType0",
    "ExportJobStatus",
    "ExportProjectFormat",
    "ExportProjectResponse200",
    "FieldMetrics",
    "FieldMetricsEnvelope",
    "FieldMetricsReferenceType1Type0",
    "FieldPrediction",
    "FieldPredictionPageEnvelope",
    "FieldPredictionPrediction",
    "Figures",
    "FiguresClassCounts",
    "FiguresClassMix",
    "GetFieldMetricsBucket",
    "Guardrails",
    "Id",
    "Image",
    "ImageAnnotationType1Type0",
    "ImageBatch",
    "ImageEnvelope",
    "ImageMetadataType0",
    "ImagePageEnvelope",
    "ImageStatus",
    "ImageUpdate",
    "ImageUpdateStatus",
    "ImageUpload",
    "ImageUploadSamplingReason",
    "ImageUploaded",
    "ImageUploadedEnvelope",
    "ImagesUploaded",
    "ImagesUploadedEnvelope",
    "Import",
    "ImportFormat",
    "ImportReport",
    "ImportReportEnvelope",
    "ImportSource",
    "InferenceBox",
    "InferencePrediction",
    "InferenceReport",
    "InferenceReported",
    "InferenceReportedEnvelope",
    "InferenceScored",
    "Invitation",
    "InvitationCreate",
    "InvitationCreateRole",
    "InvitationEnvelope",
    "InvitationPageEnvelope",
    "InvitationRole",
    "InvitationStatus",
    "Latency",
    "Link",
    "LinkCreate",
    "LinkEnvelope",
    "LinkSyncStatus",
    "ListAuditEventsAction",
    "ListAuditEventsActorType",
    "ListBatchesStatus",
    "ListDatasetVersionsStatus",
    "ListExportJobsPrecision",
    "ListExportJobsStatus",
    "ListImagesOrder",
    "ListImagesSort",
    "ListImagesStatus",
    "ListInvitationsStatus",
    "ListProjectsTaskType",
    "ListRolloutsStatus",
    "ListTrainingJobsStatus",
    "ListUsersRole",
    "ListWebhookDeliveriesEvent",
    "ListWebhookDeliveriesStatus",
    "LoginLink",
    "Logout",
    "Me",
    "MeEnvelope",
    "MeRole",
    "Meta",
    "ModelInput",
    "ModelInputResizeType0Type0",
    "ModelVersion",
    "ModelVersionDetail",
    "ModelVersionDetailEnvelope",
    "ModelVersionDetailMetrics",
    "ModelVersionDetailParams",
    "ModelVersionDetailPreprocessing",
    "ModelVersionDetailTaskType",
    "ModelVersionMetrics",
    "ModelVersionPageEnvelope",
    "ModelVersionParams",
    "ModelVersionPreprocessing",
    "ModelVersionTaskType",
    "Organization",
    "OrganizationBrief",
    "OrganizationCounts",
    "OrganizationEnvelope",
    "OrganizationJobs",
    "OrganizationUpdate",
    "OrganizationUsage",
    "Project",
    "ProjectCreate",
    "ProjectCreateTaskType",
    "ProjectEnvelope",
    "ProjectPageEnvelope",
    "ProjectRef",
    "ProjectSamplingBoostType0",
    "ProjectSamplingType0Type0",
    "ProjectTaskType",
    "ProjectUpdate",
    "ProjectUpdateSamplingType1Type0",
    "ProjectUpdateTaskType",
    "ProvisioningToken",
    "ProvisioningTokenCreate",
    "ProvisioningTokenCreated",
    "ProvisioningTokenCreatedEnvelope",
    "ProvisioningTokenCreatedStatus",
    "ProvisioningTokenEnvelope",
    "ProvisioningTokenPageEnvelope",
    "ProvisioningTokenStatus",
    "PullResult",
    "PullResultEnvelope",
    "PushResult",
    "PushResultEnvelope",
    "Reason",
    "Reference",
    "ReferenceClassCounts",
    "ReferenceClassMix",
    "Resize",
    "ResizeFilter",
    "ResizeMode",
    "ResizePlacement",
    "Rollout",
    "RolloutCheck",
    "RolloutCheckCreate",
    "RolloutCheckEnvelope",
    "RolloutCreate",
    "RolloutCreatePromotion",
    "RolloutDetail",
    "RolloutDetailEnvelope",
    "RolloutDetailFiguresType0",
    "RolloutDetailPromotion",
    "RolloutDetailStatus",
    "RolloutPageEnvelope",
    "RolloutPromotion",
    "RolloutStatus",
    "SamplingBoost",
    "SamplingPolicy",
    "SamplingPolicyClassQuotas",
    "SamplingPolicyScoreBandType1Type0",
    "Schedule",
    "ScheduleCreate",
    "ScheduleCreateDevice",
    "ScheduleDatasetParams",
    "ScheduleDatasetParamsImageStatusesItem",
    "ScheduleEnvelope",
    "SchedulePageEnvelope",
    "ScheduleRun",
    "ScheduleRunEnvelope",
    "ScheduleUpdate",
    "ScheduleUpdateDevice",
    "ScoreBand",
    "SignInMethods",
    "SignInMethodsEnvelope",
    "Splits",
    "Stage",
    "StartLoginReturnTo",
    "Tokens",
    "TokensEnvelope",
    "TrainingJob",
    "TrainingJobCreate",
    "TrainingJobCreateDevice",
    "TrainingJobEnvelope",
    "TrainingJobMetricsType0",
    "TrainingJobPageEnvelope",
    "TrainingJobParams",
    "TrainingJobProgressType0",
    "TrainingJobStatus",
    "TrainingParams",
    "UploadPolicy",
    "User",
    "UserEnvelope",
    "UserPageEnvelope",
    "UserRole",
    "UserUpdate",
    "UserUpdateRole",
    "ViewSignedImageVariant",
    "Webhook",
    "WebhookAnnotation",
    "WebhookDelivery",
    "WebhookDeliveryEnvelope",
    "WebhookDeliveryEvent",
    "WebhookDeliveryPageEnvelope",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointCreateEventsItem",
    "WebhookEndpointCreated",
    "WebhookEndpointCreatedEnvelope",
    "WebhookEndpointCreatedEventsItem",
    "WebhookEndpointEnvelope",
    "WebhookEndpointEventsItem",
    "WebhookEndpointPageEnvelope",
    "WebhookEndpointUpdate",
    "WebhookEndpointUpdateEventsItem",
    "WebhookResult",
    "WebhookResultEnvelope",
)
