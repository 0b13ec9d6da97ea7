using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Onboarding.Data.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Interviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "plan",
                table: "orgs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "trial");

            migrationBuilder.CreateTable(
                name: "interview_sessions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    org_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    user_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    plan = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    current_stage = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    message_count = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "jsonb", nullable: false),
                    user_context = table.Column<string>(type: "jsonb", nullable: true),
                    feedback = table.Column<string>(type: "jsonb", nullable: true),
                    project_id = table.Column<Guid>(type: "uuid", nullable: true),
                    analysis_run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_interview_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_interview_sessions_orgs_org_id",
                        column: x => x.org_id,
                        principalTable: "orgs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_interview_sessions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "entrepreneur_briefs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    org_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    user_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    fields = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_entrepreneur_briefs", x => x.id);
                    table.ForeignKey(
                        name: "fk_entrepreneur_briefs_interview_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "interview_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_entrepreneur_briefs_orgs_org_id",
                        column: x => x.org_id,
                        principalTable: "orgs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_entrepreneur_briefs_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "interview_turns",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    message_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    stage = table.Column<int>(type: "integer", nullable: false),
                    user_content = table.Column<string>(type: "text", nullable: false),
                    assistant_content = table.Column<string>(type: "text", nullable: false),
                    user_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assistant_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_interview_turns", x => x.id);
                    table.ForeignKey(
                        name: "fk_interview_turns_interview_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "interview_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    org_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    user_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_projects", x => x.id);
                    table.ForeignKey(
                        name: "fk_projects_interview_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "interview_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_projects_orgs_org_id",
                        column: x => x.org_id,
                        principalTable: "orgs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_projects_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "brief_analyses",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    session_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    project_id = table.Column<Guid>(type: "uuid", nullable: false),
                    summary = table.Column<string>(type: "text", nullable: false),
                    insights = table.Column<string>(type: "jsonb", nullable: false),
                    source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_brief_analyses", x => x.id);
                    table.ForeignKey(
                        name: "fk_brief_analyses_interview_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "interview_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_brief_analyses_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_brief_analyses_project_id",
                table: "brief_analyses",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_brief_analyses_run_id",
                table: "brief_analyses",
                column: "run_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_brief_analyses_session_id_created_at",
                table: "brief_analyses",
                columns: new[] { "session_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_entrepreneur_briefs_org_id",
                table: "entrepreneur_briefs",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_entrepreneur_briefs_session_id",
                table: "entrepreneur_briefs",
                column: "session_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_entrepreneur_briefs_user_id",
                table: "entrepreneur_briefs",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_interview_sessions_org_id",
                table: "interview_sessions",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_interview_sessions_user_id_created_at",
                table: "interview_sessions",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_interview_turns_session_id_message_id",
                table: "interview_turns",
                columns: new[] { "session_id", "message_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_interview_turns_session_id_version",
                table: "interview_turns",
                columns: new[] { "session_id", "version" });

            migrationBuilder.CreateIndex(
                name: "ix_projects_org_id",
                table: "projects",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_projects_session_id",
                table: "projects",
                column: "session_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_projects_user_id",
                table: "projects",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "brief_analyses");

            migrationBuilder.DropTable(
                name: "entrepreneur_briefs");

            migrationBuilder.DropTable(
                name: "interview_turns");

            migrationBuilder.DropTable(
                name: "projects");

            migrationBuilder.DropTable(
                name: "interview_sessions");

            migrationBuilder.DropColumn(
                name: "plan",
                table: "orgs");
        }
    }
}
