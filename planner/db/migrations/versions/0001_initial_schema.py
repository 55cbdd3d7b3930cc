"""Initial schema: organisations, teams, people, accounts, rubric versions, assessments, audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 09:22:14.657491

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('rubric_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'sha256')
    )
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_version_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'slug')
    )
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('track', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prompting', sa.Integer(), nullable=True),
    sa.Column('apis_integration', sa.Integer(), nullable=True),
    sa.Column('rag_retrieval', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.Integer(), nullable=True),
    sa.Column('observability', sa.Integer(), nullable=True),
    sa.Column('security', sa.Integer(), nullable=True),
    sa.Column('governance', sa.Integer(), nullable=True),
    sa.Column('strategy', sa.Integer(), nullable=True),
    sa.CheckConstraint('apis_integration BETWEEN 0 AND 5', name='ck_person_apis_integration_range'),
    sa.CheckConstraint('evaluation BETWEEN 0 AND 5', name='ck_person_evaluation_range'),
    sa.CheckConstraint('governance BETWEEN 0 AND 5', name='ck_person_governance_range'),
    sa.CheckConstraint('observability BETWEEN 0 AND 5', name='ck_person_observability_range'),
    sa.CheckConstraint('prompting BETWEEN 0 AND 5', name='ck_person_prompting_range'),
    sa.CheckConstraint('rag_retrieval BETWEEN 0 AND 5', name='ck_person_rag_retrieval_range'),
    sa.CheckConstraint('security BETWEEN 0 AND 5', name='ck_person_security_range'),
    sa.CheckConstraint('strategy BETWEEN 0 AND 5', name='ck_person_strategy_range'),
    sa.ForeignKeyConstraint(['manager_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'employee_id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_manager_id'), ['manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_team_id'), ['team_id'], unique=False)

    op.create_table('team_manager',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('team_id', 'person_id')
    )
    with op.batch_alter_table('team_manager', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_manager_person_id'), ['person_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('hr', 'manager', 'individual')", name='ck_user_role'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_token_hash'), ['token_hash'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('evidence', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('assessor_user_id', sa.Integer(), nullable=True),
    sa.Column('assessor', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('rubric_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('self', 'manager', 'import')", name='ck_assessment_kind'),
    sa.CheckConstraint('level BETWEEN 0 AND 5', name='ck_assessment_level'),
    sa.ForeignKeyConstraint(['assessor_user_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['rubric_version_id'], ['rubric_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_person_domain', ['person_id', 'domain', 'id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_person_domain')

    op.drop_table('assessment')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_token_hash'))
        batch_op.drop_index(batch_op.f('ix_user_account_person_id'))
        batch_op.drop_index(batch_op.f('ix_user_account_organisation_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('team_manager', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_manager_person_id'))

    op.drop_table('team_manager')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_team_id'))
        batch_op.drop_index(batch_op.f('ix_person_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_person_manager_id'))

    op.drop_table('person')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_organisation_id'))

    op.drop_table('team')
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_version_organisation_id'))

    op.drop_table('rubric_version')
    op.drop_table('organisation')
