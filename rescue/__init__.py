"""ovs-rescue: keep a XenServer host bootable with its Open vSwitch datapath."""

__version__ = "0.1.0"
