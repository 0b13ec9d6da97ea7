namespace Onboarding.AppHost.Hosting;

/// <summary>Writes each resource's lines with its name in front, coloured per resource on a terminal.</summary>
public sealed class ConsoleLog
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen];

    private readonly Dictionary<string, ConsoleColor> _colors = [];
    private readonly Lock _gate = new();

    public void Write(string resource, string line)
    {
        lock (_gate)
        {
            if (!_colors.TryGetValue(resource, out var color))
            {
                color = _colors[resource] = Palette[_colors.Count % Palette.Length];
            }

            if (!Console.IsOutputRedirected)
            {
                Console.ForegroundColor = color;
            }

            Console.Write($"{resource,-10} | ");
            if (!Console.IsOutputRedirected)
            {
                Console.ResetColor();
            }

            Console.WriteLine(line);
        }
    }
}
