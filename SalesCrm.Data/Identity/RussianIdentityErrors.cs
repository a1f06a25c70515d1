using Microsoft.AspNetCore.Identity;

namespace SalesCrm.Data.Identity;

/// <summary>Identity's messages (password rules, taken e-mails) in the product's language; the English UI translates them.</summary>
public sealed class RussianIdentityErrors : IdentityErrorDescriber
{
    private static IdentityError Error(string code, string text) => new() { Code = code, Description = text };

    public override IdentityError DefaultError() => Error(nameof(DefaultError), "Не получилось. Попробуйте ещё раз.");
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), "Учётную запись только что изменили. Обновите страницу.");
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), "Текущий пароль указан неверно.");
    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), "Ссылка недействительна или уже использована.");
    public override IdentityError RecoveryCodeRedemptionFailed() => Error(nameof(RecoveryCodeRedemptionFailed), "Код восстановления не подошёл.");
    public override IdentityError LoginAlreadyAssociated() => Error(nameof(LoginAlreadyAssociated), "Этот вход уже привязан к другой учётной записи.");
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), "Недопустимое имя пользователя.");
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), "E-mail указан неверно.");
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), "Пользователь с таким e-mail уже есть.");
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), "Пользователь с таким e-mail уже есть.");
    public override IdentityError InvalidRoleName(string? role) => Error(nameof(InvalidRoleName), "Недопустимая роль.");
    public override IdentityError DuplicateRoleName(string role) => Error(nameof(DuplicateRoleName), "Такая роль уже есть.");
    public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), "Пароль уже задан.");
    public override IdentityError UserLockoutNotEnabled() => Error(nameof(UserLockoutNotEnabled), "Блокировка для этой учётной записи не включена.");
    public override IdentityError UserAlreadyInRole(string role) => Error(nameof(UserAlreadyInRole), "У пользователя уже есть эта роль.");
    public override IdentityError UserNotInRole(string role) => Error(nameof(UserNotInRole), "У пользователя нет этой роли.");
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), $"Пароль должен быть не короче {length} символов.");
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), $"В пароле должно быть не меньше {uniqueChars} разных символов.");
    public override IdentityError PasswordRequiresNonAlphanumeric() => Error(nameof(PasswordRequiresNonAlphanumeric), "В пароле нужен хотя бы один знак, не буква и не цифра.");
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), "В пароле нужна хотя бы одна цифра.");
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), "В пароле нужна хотя бы одна строчная буква.");
    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), "В пароле нужна хотя бы одна заглавная буква.");
}
