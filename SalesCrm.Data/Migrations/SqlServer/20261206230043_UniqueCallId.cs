using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SalesCrm.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UniqueCallId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A call delivered twice at the same moment may have been written twice before the index: keep the first.
            migrationBuilder.Sql("DELETE FROM [Activities] WHERE [CallId] IS NOT NULL AND [Id] NOT IN (SELECT MIN([Id]) FROM [Activities] WHERE [CallId] IS NOT NULL GROUP BY [CallId])");

            migrationBuilder.DropIndex(
                name: "IX_Activities_CallId",
                table: "Activities");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_CallId",
                table: "Activities",
                column: "CallId",
                unique: true,
                filter: "[CallId] IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Activities_CallId",
                table: "Activities");

            migrationBuilder.CreateIndex(
                name: "IX_Activities_CallId",
                table: "Activities",
                column: "CallId");
        }
    }
}
