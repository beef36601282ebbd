"""Publication duties under UU KIP Pasal 9–11 and 17: what is published proactively, the registers that say so
(DIP, DIK) and the classification that decides which is which."""
