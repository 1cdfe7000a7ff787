"""Virtual-disk formats read by the libyal bindings: VHD/VHDX (libvhdi), VMDK (libvmdk) and
QCOW/QCOW2 (libqcow). Each is recognised by its signature and read as one medium."""

from __future__ import annotations

from typing import Any

from netsafe.triage.openers.byte_sources import LibyalBytes, SourceFile
from netsafe.triage.openers.interfaces import ByteSource, OpenedMedium, OpenError, Probe


class _LibyalFormat:
    """A format whose libyal module opens a path or a file object and reads at an offset."""

    kind = ""
    suffixes: tuple[str, ...] = ()

    def _handle(self) -> Any:
        raise NotImplementedError

    def _after_open(self, handle: Any, probe: Probe, files: list[SourceFile]) -> None:
        return None

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        handle = self._handle()
        files: list[SourceFile] = []
        try:
            if data is not None or probe.path is None:
                assert data is not None
                files.append(SourceFile(data))
                handle.open_file_object(files[0])
            else:
                handle.open(str(probe.path))
            self._after_open(handle, probe, files)
            size = int(handle.get_media_size())
        except (OSError, RuntimeError, TypeError, ValueError) as error:
            raise OpenError(
                "corrupt-image", f"cannot open the {self.kind.upper()} image {probe.name}: {error}"
            ) from error
        segments = (str(probe.path),) if probe.path is not None else (probe.name,)
        return OpenedMedium(self.kind, LibyalBytes(handle, size, tuple(files)), segments)


class VhdxFormat(_LibyalFormat):
    """Hyper-V VHDX and Virtual PC VHD (dynamic, differencing; a fixed VHD by its footer)."""

    kind = "vhd"
    suffixes = (".vhd", ".vhdx", ".avhdx")

    def recognise(self, probe: Probe) -> bool:
        return probe.head.startswith((b"vhdxfile", b"conectix"))

    def _handle(self) -> Any:
        import pyvhdi

        return pyvhdi.file()

    def open(self, probe: Probe, data: ByteSource | None) -> OpenedMedium:
        medium = super().open(probe, data)
        medium.kind = "vhdx" if probe.head.startswith(b"vhdxfile") else "vhd"
        return medium


class VmdkFormat(_LibyalFormat):
    """VMware VMDK: a sparse extent on its own, or a descriptor with its extent files beside it."""

    kind = "vmdk"
    suffixes = (".vmdk",)

    def recognise(self, probe: Probe) -> bool:
        return probe.head.startswith((b"KDMV", b"COWD", b"# Disk DescriptorFile"))

    def _handle(self) -> Any:
        import pyvmdk

        return pyvmdk.handle()

    def _after_open(self, handle: Any, probe: Probe, files: list[SourceFile]) -> None:
        if files:  # a monolithic sparse VMDK: its one extent is the file itself
            extent = SourceFile(files[0]._source)
            files.append(extent)
            handle.open_extent_data_files_as_file_objects([extent])
        else:
            handle.open_extent_data_files()


class QcowFormat(_LibyalFormat):
    """QEMU QCOW / QCOW2 (unencrypted; without its backing file when it has one)."""

    kind = "qcow2"
    suffixes = (".qcow", ".qcow2")

    def recognise(self, probe: Probe) -> bool:
        return probe.head.startswith(b"QFI\xfb")

    def _handle(self) -> Any:
        import pyqcow

        return pyqcow.file()


VHD = VhdxFormat()
VMDK = VmdkFormat()
QCOW = QcowFormat()
OPENERS = (VHD, VMDK, QCOW)
