using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Deals;

/// <summary>A line of insurance (продукт): property, liability, cargo, VHI…</summary>
public sealed class Product : Entity
{
    private Product() { }

    public Product(string code, string name, bool isComplex)
    {
        Code = Guard.Required(code, nameof(Code), "Код продукта", 50);
        Rename(name);
        IsComplex = isComplex;
    }

    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>Complex products need an experienced manager and are coaching examples when won.</summary>
    public bool IsComplex { get; private set; }
    public bool IsActive { get; private set; } = true;

    public void Rename(string name) => Name = Guard.Required(name, nameof(Name), "Название продукта", 200);

    public void SetComplex(bool value) => IsComplex = value;

    public void Retire() => IsActive = false;

    public void Restore() => IsActive = true;
}
