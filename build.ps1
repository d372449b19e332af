#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages the OpenCodeUsage module.
.DESCRIPTION
    A thin wrapper over the .NET SDK; `dotnet build -c Release` alone stages the module, so nothing here is
    needed to build it. Tasks:
      Build    dotnet build: stages the importable module at artifacts/module/OpenCodeUsage.
      Test     dotnet test (Core and the module in a hosted PowerShell engine), then Pester when installed.
      Package  a .nupkg of the staged module in artifacts/packages, installable with Install-PSResource.
.EXAMPLE
    ./build.ps1
.EXAMPLE
    ./build.ps1 -Task Build, Test, Package
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
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
        if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
            $result = Invoke-Pester -Path tests/Pester -PassThru -Output Detailed
            if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
        }
        else {
            Write-Warning 'Pester 5 is not installed; skipping tests/Pester (Install-PSResource Pester).'
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
