"""With prefix=google/cloud:acme_sdk.gcp beside prefix=ameide_core_proto:ameide_sdk.proto."""
from google.cloud.speech.v1 import cloud_speech_pb2
import google.cloud.tasks.v2.task_pb2 as task_pb2
from google.protobuf import any_pb2
from google.type import date_pb2
from google import auth

print(cloud_speech_pb2, task_pb2, any_pb2, date_pb2, auth)
