using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Onboarding.Data.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ContextVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "context_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    org_id = table.Column<string>(type: "character varying(40)", nullable: false),
                    run_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    generated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    company_context = table.Column<string>(type: "jsonb", nullable: false),
                    market_context = table.Column<string>(type: "jsonb", nullable: false),
                    icp = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_context_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_context_versions_orgs_org_id",
                        column: x => x.org_id,
                        principalTable: "orgs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_context_versions_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_context_versions_org_id",
                table: "context_versions",
                column: "org_id");

            migrationBuilder.CreateIndex(
                name: "ix_context_versions_run_id",
                table: "context_versions",
                column: "run_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_context_versions_user_id_generated_at",
                table: "context_versions",
                columns: new[] { "user_id", "generated_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "context_versions");
        }
    }
}
