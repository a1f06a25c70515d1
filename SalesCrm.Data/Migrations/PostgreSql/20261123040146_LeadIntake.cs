using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SalesCrm.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class LeadIntake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "EmailNotifications",
                table: "Managers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<List<string>>(
                name: "QuietKinds",
                table: "Managers",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<DateTime>(
                name: "LastTouchedAt",
                table: "Leads",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "QueueTeamId",
                table: "Leads",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Touches",
                table: "Leads",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    KeyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Prefix = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    CreatedById = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastUsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LeadDedupKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Value = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    LeadId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LeadDedupKeys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LeadDedupKeys_Leads_LeadId",
                        column: x => x.LeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ApiKeyId = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LeadId = table.Column<int>(type: "integer", nullable: true),
                    ClientId = table.Column<int>(type: "integer", nullable: true),
                    AssignedTo = table.Column<int>(type: "integer", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdempotencyRecords_ApiKeys_ApiKeyId",
                        column: x => x.ApiKeyId,
                        principalTable: "ApiKeys",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_IdempotencyRecords_Leads_LeadId",
                        column: x => x.LeadId,
                        principalTable: "Leads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_FirstContactAt",
                table: "Leads",
                column: "FirstContactAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QueueTeamId_AssigneeId_Status",
                table: "Leads",
                columns: new[] { "QueueTeamId", "AssigneeId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_KeyHash",
                table: "ApiKeys",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_ApiKeyId_Key",
                table: "IdempotencyRecords",
                columns: new[] { "ApiKeyId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_LeadId",
                table: "IdempotencyRecords",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_LeadDedupKeys_LeadId",
                table: "LeadDedupKeys",
                column: "LeadId");

            migrationBuilder.CreateIndex(
                name: "IX_LeadDedupKeys_Value",
                table: "LeadDedupKeys",
                column: "Value",
                unique: true);

            // Open leads of an existing database get their de-duplication keys (the first lead keeps a shared key).
            migrationBuilder.Sql("INSERT INTO \"LeadDedupKeys\" (\"Value\", \"LeadId\") SELECT k.\"V\", MIN(k.\"L\") FROM (SELECT 'inn:' || \"Inn\" AS \"V\", \"Id\" AS \"L\" FROM \"Leads\" WHERE \"Status\" IN (1, 2) AND \"Inn\" IS NOT NULL UNION ALL SELECT 'phone:' || \"PhoneNormalized\", \"Id\" FROM \"Leads\" WHERE \"Status\" IN (1, 2) AND \"PhoneNormalized\" IS NOT NULL UNION ALL SELECT 'email:' || \"EmailNormalized\", \"Id\" FROM \"Leads\" WHERE \"Status\" IN (1, 2) AND \"EmailNormalized\" IS NOT NULL) AS k GROUP BY k.\"V\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "LeadDedupKeys");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_Leads_FirstContactAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QueueTeamId_AssigneeId_Status",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "EmailNotifications",
                table: "Managers");

            migrationBuilder.DropColumn(
                name: "QuietKinds",
                table: "Managers");

            migrationBuilder.DropColumn(
                name: "LastTouchedAt",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "QueueTeamId",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "Touches",
                table: "Leads");
        }
    }
}
