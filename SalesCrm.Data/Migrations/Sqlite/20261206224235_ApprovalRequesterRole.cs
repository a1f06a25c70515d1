using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SalesCrm.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ApprovalRequesterRole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RequesterRole",
                table: "ApprovalRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1); // StaffRole.Manager: earlier requests were the deal owners'
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RequesterRole",
                table: "ApprovalRequests");
        }
    }
}
