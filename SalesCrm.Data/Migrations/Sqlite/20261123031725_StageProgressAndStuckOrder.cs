using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SalesCrm.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StageProgressAndStuckOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_At_To_DealId",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_Deals_StageEnteredAt",
                table: "Deals");

            migrationBuilder.AddColumn<bool>(
                name: "Progressed",
                table: "DealStageChanges",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Existing history: mark the entries after which the deal entered a later stage (not "lost").
            migrationBuilder.Sql("UPDATE \"DealStageChanges\" SET \"Progressed\" = 1 WHERE EXISTS (SELECT 1 FROM \"DealStageChanges\" AS n WHERE n.\"DealId\" = \"DealStageChanges\".\"DealId\" AND n.\"At\" > \"DealStageChanges\".\"At\" AND n.\"To\" > \"DealStageChanges\".\"To\" AND n.\"To\" <> 8);");

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_At_To_DealId_Progressed",
                table: "DealStageChanges",
                columns: new[] { "At", "To", "DealId", "Progressed" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_StageEnteredAt_Stage",
                table: "Deals",
                columns: new[] { "StageEnteredAt", "Stage" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_At_To_DealId_Progressed",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_Deals_StageEnteredAt_Stage",
                table: "Deals");

            migrationBuilder.DropColumn(
                name: "Progressed",
                table: "DealStageChanges");

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_At_To_DealId",
                table: "DealStageChanges",
                columns: new[] { "At", "To", "DealId" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_StageEnteredAt",
                table: "Deals",
                column: "StageEnteredAt");
        }
    }
}
