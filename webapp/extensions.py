"""Extensions created once and bound to the app with init_app."""

from flask_jwt_extended import JWTManager

from webapp.api.envelope import Api
from webapp.db import Database

db = Database()
api = Api()
jwt = JWTManager()
