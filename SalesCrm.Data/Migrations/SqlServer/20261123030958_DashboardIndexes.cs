using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SalesCrm.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_DealId_At",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_To_At",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_Deals_ClosedAt",
                table: "Deals");

            migrationBuilder.DropIndex(
                name: "IX_Deals_ExpectedCloseDate",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_At_To_DealId",
                table: "DealStageChanges",
                columns: new[] { "At", "To", "DealId" });

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_DealId_At_To",
                table: "DealStageChanges",
                columns: new[] { "DealId", "At", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_ExpectedCloseDate_Stage_PremiumKopecks_Probability",
                table: "Deals",
                columns: new[] { "ExpectedCloseDate", "Stage", "PremiumKopecks", "Probability" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_Stage_ClosedAt_PremiumKopecks",
                table: "Deals",
                columns: new[] { "Stage", "ClosedAt", "PremiumKopecks" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_Stage_PremiumKopecks_Probability",
                table: "Deals",
                columns: new[] { "Stage", "PremiumKopecks", "Probability" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_Stage_StageEnteredAt",
                table: "Deals",
                columns: new[] { "Stage", "StageEnteredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_At_To_DealId",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_DealStageChanges_DealId_At_To",
                table: "DealStageChanges");

            migrationBuilder.DropIndex(
                name: "IX_Deals_ExpectedCloseDate_Stage_PremiumKopecks_Probability",
                table: "Deals");

            migrationBuilder.DropIndex(
                name: "IX_Deals_Stage_ClosedAt_PremiumKopecks",
                table: "Deals");

            migrationBuilder.DropIndex(
                name: "IX_Deals_Stage_PremiumKopecks_Probability",
                table: "Deals");

            migrationBuilder.DropIndex(
                name: "IX_Deals_Stage_StageEnteredAt",
                table: "Deals");

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_DealId_At",
                table: "DealStageChanges",
                columns: new[] { "DealId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_DealStageChanges_To_At",
                table: "DealStageChanges",
                columns: new[] { "To", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Deals_ClosedAt",
                table: "Deals",
                column: "ClosedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Deals_ExpectedCloseDate",
                table: "Deals",
                column: "ExpectedCloseDate");
        }
    }
}
