#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages the OpenCodeUsage module.
.DESCRIPTION
    A thin wrapper over the .NET SDK; `dotnet build -c Release` alone stages the module, so nothing here is
    needed to build it. Tasks:
      Build    dotnet build: stages the importable module at artifacts/module/OpenCodeUsage.
      Test     dotnet test (Core and the module in a hosted PowerShell engine), then Pester.
      Pester   tests/Pester alone, on this pwsh, over the staged module (build it first). Pester comes from
               NuGet (tools/Pester/Pester.proj); nothing is installed into your PowerShell.
      Package  a .nupkg of the staged module in artifacts/packages, installable with Install-PSResource.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Build, Test, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Push-Location $PSScriptRoot
try {
    function Invoke-Native([string] $Name, [string[]] $Arguments) {
        & $Name @Arguments
        if ($LASTEXITCODE -ne 0) { throw "$Name $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
    }

    if ('Build' -in $Task -or 'Package' -in $Task) {
        Invoke-Native dotnet @('build', 'OpenCodeUsage.sln', '-c', $Configuration)
    }

    if ('Test' -in $Task) {
        Invoke-Native dotnet @('test', 'OpenCodeUsage.sln', '-c', $Configuration)
    }

    if ('Test' -in $Task -or 'Pester' -in $Task) {
        # The pinned Pester, restored from NuGet into the NuGet cache; its tools/ folder is the module.
        Invoke-Native dotnet @('restore', 'tools/Pester/Pester.proj', '--nologo', '-v:q')
        $pester = dotnet msbuild tools/Pester/Pester.proj -nologo -getProperty:PesterModule
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $pester)) { throw "Pester was not restored ($pester)." }
        Import-Module $pester -Force
        $result = Invoke-Pester -Path tests/Pester -PassThru -Output Detailed
        if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0) {
            throw "Pester: $($result.FailedCount) test(s) failed, $($result.FailedBlocksCount) block(s) failed, result $($result.Result)."
        }
    }

    if ('Package' -in $Task) {
        Invoke-Native dotnet @('pack', 'packaging/OpenCodeUsage.Package.csproj', '-c', $Configuration)
        Get-ChildItem artifacts/packages/*.nupkg
    }
}
finally {
    Pop-Location
}
